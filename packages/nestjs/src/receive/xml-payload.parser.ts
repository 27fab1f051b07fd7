import { WebhookVerificationError } from '@webhook-outbox/signature';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkXmlMarkupBudget, DEFAULT_XML_PAYLOAD_LIMITS, type XmlPayloadLimits } from './xml-markup.budget.js';

/** A DTD can declare entities that expand without bound, or reach outside: webhooks need none, so none is read. */
const DOCTYPE = /<!(DOCTYPE|ENTITY)/i;

/** One parser per depth limit in use (receivers rarely differ), built on first use. */
const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) {
    parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      // Values stay text, as in a form: "007" is not 7, and the handler knows its fields' types.
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      // List entries, as this library's XML bodies write them, are a list even when there is one.
      isArray: (name) => name === 'item',
      // Checked before parsing too; kept here so the parser itself never recurses deeper.
      maxNestedTags: maxDepth,
      // The five XML entities only: no HTML ones, and DTD entities (refused before parsing anyway) held to nothing.
      htmlEntities: false,
      processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1, maxExpansionDepth: 1 },
      // Element and attribute names `__proto__`, `constructor`, `prototype` make the parser throw (refused below);
      // other Object.prototype member names (`toString`, `hasOwnProperty`, …) arrive prefixed: `__toString`.
      strictReservedNames: true,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

/**
 * An XML body as an object: the root element's name holding its content, child elements as own properties
 * (repeated ones as a list, `<item>`s always), attributes as `@name`, text as strings. Refused as `malformed-body`
 * (400), before or instead of anything the parser would throw:
 * - a body that is not well-formed XML, or that carries a DOCTYPE (so no entity expansion, internal or external);
 * - markup beyond `limits` (`DEFAULT_XML_PAYLOAD_LIMITS`: depth 100, 10,000 elements, 100 attributes per element);
 * - an element or attribute named `__proto__`, `constructor` or `prototype`, which could otherwise reach an
 *   object's prototype. This library's sender never writes them: such keys travel as `<field name="…">`.
 */
export function parseXmlPayload(text: string, limits: XmlPayloadLimits = DEFAULT_XML_PAYLOAD_LIMITS): unknown {
  if (DOCTYPE.test(text))
    throw new WebhookVerificationError('malformed-body', 'The XML body has a DOCTYPE, which is not accepted.');
  checkXmlMarkupBudget(text, limits);
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new WebhookVerificationError(
      'malformed-body',
      `The body is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}).`,
    );
  let parsed: Record<string, unknown>;
  try {
    parsed = parserFor(limits.maxDepth).parse(text) as Record<string, unknown>;
  } catch (error) {
    // Whatever the parser refuses is the sender's body, never this server's fault.
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookVerificationError('malformed-body', `The XML body was refused by the parser: ${reason}`);
  }
  const { '?xml': _declaration, ...document } = parsed;
  return document;
}
