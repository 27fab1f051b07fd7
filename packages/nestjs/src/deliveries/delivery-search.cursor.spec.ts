import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, prefixRange } from './delivery-search.cursor.js';

describe('a search cursor', () => {
  it('gives back the position it was made from', () => {
    const position = { createdAt: 1_800_000_000_123, id: 'dlv_0194c3a1f2b80000a1b2c3d4e5f60718' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is opaque URL-safe text', () => {
    expect(encodeCursor({ createdAt: 1, id: 'dlv_a.b' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty text', ''],
    ['characters outside base64url', 'abc+/='],
    ['no time', Buffer.from('.dlv_1').toString('base64url')],
    ['a time that is not a whole number', Buffer.from('1e3.dlv_1').toString('base64url')],
    ['a time beyond a safe integer', Buffer.from('99999999999999999999.dlv_1').toString('base64url')],
    ['no id', Buffer.from('1800000000000.').toString('base64url')],
    ['an id longer than a delivery id', Buffer.from(`1.${'x'.repeat(65)}`).toString('base64url')],
    ['text too long to be a cursor', 'a'.repeat(129)],
  ])('refuses %s', (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});

describe('the key range of a prefix', () => {
  it.each([
    ['msg_0194', 'msg_0195'],
    ['msg_09', 'msg_0a'],
    ['dlv_0f', 'dlv_0g'],
    ['msg_', 'msh'],
    ['ABCZ', 'ABD'],
    ['abz9', 'abza'],
    ['abzz', 'ac'],
  ])('of %s ends below %s', (prefix, below) => {
    expect(prefixRange(prefix)).toEqual({ from: prefix, below });
  });

  it('has no end when no letter or digit can be incremented', () => {
    expect(prefixRange('zz__')).toEqual({ from: 'zz__', below: null });
  });

  it('holds every text that starts with the prefix and none that sorts after its end, in binary order', () => {
    const { from, below } = prefixRange('msg_09');
    for (const id of ['msg_09', 'msg_09zz', 'msg_09~~', 'msg_09ZZ']) expect(id >= from && id < below!).toBe(true);
    expect('msg_0a' < below!).toBe(false);
  });
});
