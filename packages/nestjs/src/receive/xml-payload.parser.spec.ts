import { WebhookVerificationError } from '@webhook-outbox/signature';
import { describe, expect, it } from 'vitest';
import { DEFAULT_XML_PAYLOAD_LIMITS, type XmlPayloadLimits } from './xml-markup.budget.js';
import { parseXmlPayload } from './xml-payload.parser.js';

const small: XmlPayloadLimits = { maxDepth: 2, maxElements: 3, maxAttributes: 2 };

/** The refusal `parseXmlPayload` throws for `text`; fails the test when it parses or throws anything else. */
function refusal(text: string, limits?: XmlPayloadLimits): WebhookVerificationError {
  try {
    parseXmlPayload(text, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).reason).toBe('malformed-body');
    return error as WebhookVerificationError;
  }
  return expect.unreachable(`parsed ${text.slice(0, 40)}`);
}

describe('parseXmlPayload', () => {
  it('accepts elements up to maxElements, not counting comments, CDATA or closing tags, and refuses one more', () => {
    const three = '<a><b/><!-- <c><d><e> --><![CDATA[<f><g>]]><b/></a>';
    expect(parseXmlPayload(three, small)).toEqual({ a: { b: ['', ''], '#text': '<f><g>' } });
    expect(refusal('<a><b/><b/><b/></a>', small).message).toMatch(/more than 3 elements.*xmlLimits\.maxElements/);
  });

  it('accepts nesting up to maxDepth, self-closing elements adding no level, and refuses one level more', () => {
    expect(parseXmlPayload('<a><b><c/></b></a>', small)).toEqual({ a: { b: { c: '' } } });
    expect(refusal('<a><b><c></c></b></a>', small).message).toMatch(/nested deeper than 2 levels.*xmlLimits\.maxDepth/);
  });

  it('accepts maxAttributes on an element, not counting "=" inside quoted values, and refuses one more', () => {
    expect(parseXmlPayload('<a x="1=2" y=\'k=v>w\'/>', small)).toEqual({ a: { '@x': '1=2', '@y': 'k=v>w' } });
    expect(refusal('<a x="1" y="2" z="3"/>', small).message).toMatch(
      /more than 2 attributes.*xmlLimits\.maxAttributes/,
    );
  });

  it('refuses 100,000 nested elements at the default depth limit, as malformed-body rather than a parser error', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    expect(refusal(deep).message).toMatch(/nested deeper than 100 levels/);
    expect(DEFAULT_XML_PAYLOAD_LIMITS).toEqual({ maxDepth: 100, maxElements: 10_000, maxAttributes: 100 });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses an element named %s as malformed-body, naming it, and leaves Object.prototype alone',
    (name) => {
      expect(refusal(`<${name}><polluted>yes</polluted></${name}>`).message).toMatch(
        new RegExp(`refused by the parser: .*"${name}"`),
      );
      expect(refusal(`<a><${name}>1</${name}></a>`).message).toContain(`"${name}"`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});
