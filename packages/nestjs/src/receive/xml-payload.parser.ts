import { WebhookVerificationError } from '@webhook-outbox/signature';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A DTD can declare entities that expand without bound, or reach outside: webhooks need none, so none is read. */
const DOCTYPE = /<!(DOCTYPE|ENTITY)/i;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Values stay text, as in a form: "007" is not 7, and the handler knows its fields' types.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // List entries, as this library's XML bodies write them, are a list even when there is one.
  isArray: (name) => name === 'item',
});

/**
 * An XML body as an object: the root element's name holding its content, child elements as properties (repeated
 * ones as a list, `<item>`s always), attributes as `@name`, text as strings. A body that is not well-formed XML, or
 * that carries a DOCTYPE, is the sender's mistake: `malformed-body` (400).
 */
export function parseXmlPayload(text: string): unknown {
  if (DOCTYPE.test(text))
    throw new WebhookVerificationError('malformed-body', 'The XML body has a DOCTYPE, which is not accepted.');
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new WebhookVerificationError(
      'malformed-body',
      `The body is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}).`,
    );
  const { '?xml': _declaration, ...document } = parser.parse(text) as Record<string, unknown>;
  return document;
}
