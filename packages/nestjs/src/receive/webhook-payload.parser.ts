import { WebhookVerificationError } from '@webhook-outbox/signature';
import type { XmlPayloadLimits } from './xml-markup.budget.js';
import { parseXmlPayload } from './xml-payload.parser.js';

/** What the parser needs to know about how the body arrived. */
export interface ArrivedBodyForm {
  /** The `content-type` header, if any. */
  contentType?: string;
  /** `GET`/`HEAD` webhooks carry their data in the query string. */
  method?: string;
  /** Bounds on an XML body's markup; default `DEFAULT_XML_PAYLOAD_LIMITS`. */
  xmlLimits?: XmlPayloadLimits;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const XML_TYPE = /^(?:application|text)\/(?:[\w.+-]+\+)?xml\s*(?:;|$)/i;

/**
 * Turns the verified bytes into the handler's payload: JSON for JSON content types (and for a body without a
 * content type), a form or a GET query as a flat object, XML (`application/xml`, `text/xml`, `…+xml`) as an object
 * of its elements (`parseXmlPayload`, within `format.xmlLimits`), text for anything else. A body that claims to be
 * JSON or XML and is not (or XML beyond its limits) is the sender's mistake: `malformed-body`, which an HTTP receiver answers with 400.
 */
export function parseWebhookPayload(raw: Buffer | string, format: ArrivedBodyForm): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const method = format.method?.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return Object.fromEntries(new URLSearchParams(text));
  const contentType = format.contentType ?? '';
  if (FORM_TYPE.test(contentType)) return Object.fromEntries(new URLSearchParams(text));
  if (XML_TYPE.test(contentType)) return parseXmlPayload(text, format.xmlLimits);
  if (JSON_TYPE.test(contentType) || (contentType === '' && text.trim() !== '')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new WebhookVerificationError('malformed-body', 'The body is not valid JSON.');
    }
  }
  return contentType === '' ? undefined : text;
}
