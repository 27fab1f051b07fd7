import { WebhookVerificationError } from '@webhook-outbox/signature';

/**
 * Bounds on an XML webhook body's markup. A body within `maxBodySize` can still cost seconds of parsing and
 * megabytes of objects when it is all markup (tens of thousands of elements or attributes, deep nesting), so these
 * are checked in one cheap linear pass before any parser builds anything. A body above one is `malformed-body` (400).
 */
export interface XmlPayloadLimits {
  /**
   * Deepest element nesting accepted (the root element is level 1).
   * @defaultValue 100 (fast-xml-parser's own `maxNestedTags`)
   */
  maxDepth: number;
  /**
   * Most elements (processing instructions count too) in one body: about 5–10 µs of parsing each here, so the
   * default keeps the worst admitted body near 100 ms of CPU.
   * @defaultValue 10000
   */
  maxElements: number;
  /**
   * Most attributes on one element.
   * @defaultValue 100
   */
  maxAttributes: number;
}

/** The limits a receiver has unless it sets `xmlLimits`. */
export const DEFAULT_XML_PAYLOAD_LIMITS: Readonly<XmlPayloadLimits> = Object.freeze({
  maxDepth: 100,
  maxElements: 10_000,
  maxAttributes: 100,
});

const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const GREATER = 0x3e;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

function overLimit(cause: string, option: keyof XmlPayloadLimits): never {
  throw new WebhookVerificationError(
    'malformed-body',
    `The XML body has ${cause}; if such bodies are expected, raise the receiver's xmlLimits.${option}.`,
  );
}

/** The index just past `end` from `from`, or -1 when the markup is never closed (the validator reports that). */
function skipPast(text: string, end: string, from: number): number {
  const at = text.indexOf(end, from);
  return at < 0 ? -1 : at + end.length;
}

/** Scans a start tag from its `<`: its attribute count (`=` outside quotes), where it ends, whether it closes itself. */
function readStartTag(text: string, from: number): { attributes: number; end: number; selfClosing: boolean } {
  let attributes = 0;
  let quote = 0;
  for (let at = from + 1; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) quote = code;
    else if (code === EQUALS) attributes++;
    else if (code === GREATER) return { attributes, end: at + 1, selfClosing: text.charCodeAt(at - 1) === SLASH };
  }
  return { attributes, end: -1, selfClosing: false };
}

/**
 * Refuses, as `malformed-body`, an XML body whose markup exceeds `limits`, in one pass over the text that allocates
 * nothing per node. Comments and CDATA are skipped whole (their text is bounded by `maxBodySize` alone); markup that
 * is never closed ends the scan, for the validator to report.
 *
 * @throws {WebhookVerificationError} `malformed-body`, naming the limit exceeded and the option that raises it.
 */
export function checkXmlMarkupBudget(text: string, limits: XmlPayloadLimits): void {
  let depth = 0;
  let elements = 0;
  let at = text.indexOf('<');
  while (at >= 0) {
    const next = text.charCodeAt(at + 1);
    if (text.startsWith('<!--', at)) at = skipPast(text, '-->', at + 4);
    else if (text.startsWith('<![CDATA[', at)) at = skipPast(text, ']]>', at + 9);
    else if (next === BANG) at = skipPast(text, '>', at + 2);
    else if (next === SLASH) {
      depth--;
      at = skipPast(text, '>', at + 2);
    } else {
      // A processing instruction costs the parser as much as an element, so it counts as one.
      if (++elements > limits.maxElements) overLimit(`more than ${limits.maxElements} elements`, 'maxElements');
      if (next === QUESTION) at = skipPast(text, '?>', at + 2);
      else {
        const tag = readStartTag(text, at);
        if (tag.attributes > limits.maxAttributes)
          overLimit(`an element with more than ${limits.maxAttributes} attributes`, 'maxAttributes');
        if (!tag.selfClosing && ++depth > limits.maxDepth)
          overLimit(`elements nested deeper than ${limits.maxDepth} levels`, 'maxDepth');
        at = tag.end;
      }
    }
    if (at < 0) return;
    at = text.indexOf('<', at);
  }
}
