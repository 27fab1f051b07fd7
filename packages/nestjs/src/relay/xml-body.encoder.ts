import { XMLBuilder } from 'fast-xml-parser';

/** The root element of every XML webhook body. */
export const XML_ROOT = 'webhook';

/** An XML element name that needs no escaping and is not reserved (`xml…` names are). */
const ELEMENT_NAME = /^(?!xml)[A-Za-z_][A-Za-z0-9._-]*$/i;
/**
 * Valid XML names that receivers refuse or rename: parsers that build objects (fast-xml-parser among them) throw on
 * `__proto__`, `constructor` and `prototype`, and rename the other members of every object (`toString` arrives as
 * `__toString`). Such keys travel as `<field name="…">`, which any parser keeps as data.
 */
const OBJECT_MEMBER_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);
/** Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab, LF and CR, and non-characters. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to replace.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// The builder's ordered form: one object per node, `:@` holding attributes (prefixed `@_`).
type OrderedNode = Record<string, unknown>;

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});

function text(value: string | number | boolean): OrderedNode[] {
  return [{ '#text': typeof value === 'string' ? value.replace(NOT_XML, '\uFFFD') : String(value) }];
}

/** One JSON value as the content of an element: objects as child elements, lists as `<item>`s, scalars as text. */
function content(value: unknown): OrderedNode[] {
  if (Array.isArray(value)) return value.map((item) => element('item', item));
  if (value !== null && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>).map(([key, item]) => element(key, item));
  return text(value as string | number | boolean);
}

/**
 * One key and its value as an element: `<key>` when the key is a plain XML name, otherwise `<field name="key">`
 * (the key kept exactly, escaped as an attribute), so every key has a stable element. `null` is `nil="true"`.
 */
function element(key: string, value: unknown): OrderedNode {
  const plain = ELEMENT_NAME.test(key) && !OBJECT_MEMBER_NAMES.has(key);
  const attributes: Record<string, string> = plain ? {} : { '@_name': key.replace(NOT_XML, '\uFFFD') };
  if (value === null) attributes['@_nil'] = 'true';
  const node: OrderedNode = { [plain ? key : 'field']: value === null ? [] : content(value) };
  if (Object.keys(attributes).length > 0) node[':@'] = attributes;
  return node;
}

/**
 * An event's JSON body as XML (`bodyFormat: 'xml'`): `<webhook>` holding `<type>`, `<timestamp>`, `<data>`, … in
 * the order of the JSON; list items as `<item>`; keys that are not XML names, or that name a member of every
 * JavaScript object (`__proto__`, `constructor`, `prototype`, `toString`, …), as `<field name="…">`; `null` as
 * `nil="true"`. Deterministic: the same event gives the same bytes, which are what is signed.
 */
export function xmlBody(payload: string): string {
  const document: OrderedNode[] = [
    { '?xml': [{ '#text': '' }], ':@': { '@_version': '1.0', '@_encoding': 'UTF-8' } },
    element(XML_ROOT, JSON.parse(payload) as unknown),
  ];
  return builder.build(document) as string;
}
