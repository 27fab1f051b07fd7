import { describe, expect, it } from 'vitest';
import { decimalText } from './decimal-text.js';

describe('decimal values as text', () => {
  it("writes a value at its column's scale, however it came: string, number or bigint", () => {
    expect(decimalText('9.9', 2)).toBe('9.90');
    expect(decimalText(9.9, 2)).toBe('9.90');
    expect(decimalText('9.90', 2)).toBe('9.90');
    expect(decimalText(10n, 2)).toBe('10.00');
    expect(decimalText('.5', 2)).toBe('0.50');
  });

  it('rounds half away from zero past the scale, carrying into the whole part', () => {
    expect(decimalText('9.995', 2)).toBe('10.00');
    expect(decimalText('-9.994', 2)).toBe('-9.99');
    expect(decimalText('-9.995', 2)).toBe('-10.00');
    expect(decimalText('0.004', 2)).toBe('0.00');
  });

  it('never writes a negative zero, a plus sign or leading zeros', () => {
    expect(decimalText('-0.001', 2)).toBe('0.00');
    expect(decimalText('+007.1', 1)).toBe('7.1');
    expect(decimalText('-0', undefined)).toBe('0');
  });

  it('drops insignificant zeros when the column declares no scale', () => {
    expect(decimalText('12.500', undefined)).toBe('12.5');
    expect(decimalText('12.000', undefined)).toBe('12');
    expect(decimalText(42, undefined)).toBe('42');
  });

  it("keeps digits beyond a double's precision when they come as text", () => {
    expect(decimalText('12345678901234567890.123456789', 9)).toBe('12345678901234567890.123456789');
    expect(decimalText(9007199254740993n, undefined)).toBe('9007199254740993');
  });

  it('returns text that is not a plain decimal unchanged', () => {
    for (const text of ['NaN', '1e5', 'abc', '', '-', '1.2.3']) expect(decimalText(text, 2)).toBe(text);
    expect(decimalText(Number.POSITIVE_INFINITY, 2)).toBe('Infinity');
  });
});
