import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlBody } from './xml-body.encoder.js';

const event = {
  type: 'order.created',
  timestamp: '2026-11-26T12:00:00.000Z',
  sequence: 1,
  data: { id: 7, total: '12.50', paid: false, note: null, items: [{ sku: 'A1' }, { sku: 'B2' }], meta: {} },
};

describe('XML webhook bodies', () => {
  it('hold the event under <webhook>, in the order of its JSON, lists as <item>s and null as nil', () => {
    expect(xmlBody(JSON.stringify(event))).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><webhook><type>order.created</type>' +
        '<timestamp>2026-11-26T12:00:00.000Z</timestamp><sequence>1</sequence><data><id>7</id><total>12.50</total>' +
        '<paid>false</paid><note nil="true"/><items><item><sku>A1</sku></item><item><sku>B2</sku></item></items>' +
        '<meta/></data></webhook>',
    );
  });

  it('give keys that are not XML names a <field> element that keeps the key exactly', () => {
    const xml = xmlBody(JSON.stringify({ data: { '1st': 'a', 'my key': 'b', 'a:b': 'c', xmlns: 'd', 'x<y': 'e' } }));
    expect(xml).toContain(
      '<field name="1st">a</field><field name="my key">b</field><field name="a:b">c</field>' +
        '<field name="xmlns">d</field><field name="x&lt;y">e</field>',
    );
  });

  it('give keys that name members of every object (__proto__, constructor, prototype, toString) a <field> element, which fast-xml-parser reads back as data', () => {
    const data = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"c","prototype":"p","toString":"t"}');
    const xml = xmlBody(JSON.stringify({ data }));
    expect(xml).toContain(
      '<data><field name="__proto__"><polluted>yes</polluted></field><field name="constructor">c</field>' +
        '<field name="prototype">p</field><field name="toString">t</field></data>',
    );
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
    expect(parsed.webhook.data.field.map((field: Record<string, unknown>) => field['@name'])).toEqual([
      '__proto__',
      'constructor',
      'prototype',
      'toString',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('escape markup in values, so a value never becomes an element', () => {
    const xml = xmlBody(JSON.stringify({ data: { customer: '<script>alert("x")</script> & ]]>' } }));
    expect(xml).toContain('<customer>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ]]&gt;</customer>');
    const parsed = new XMLParser({ parseTagValue: false }).parse(xml);
    expect(parsed.webhook.data.customer).toBe('<script>alert("x")</script> & ]]>');
  });

  it('replace the characters XML 1.0 cannot carry with U+FFFD, keeping the document well-formed', () => {
    const xml = xmlBody(JSON.stringify({ data: { text: 'bell\u0007 and \uD800 lone' } }));
    expect(xml).toContain('<text>bell\uFFFD and \uFFFD lone</text>');
    expect(new XMLParser().parse(xml).webhook.data.text).toBe('bell\uFFFD and \uFFFD lone');
  });

  it('give the same bytes for the same event every time', () => {
    expect(xmlBody(JSON.stringify(event))).toBe(xmlBody(JSON.stringify(event)));
  });
});
