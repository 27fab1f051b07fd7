import type { EntityMetadata } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { sameColumnValue, serializeColumnValue } from './column-value.serializer.js';

type ColumnMetadata = EntityMetadata['columns'][number];
const column = (type: unknown, extra: Partial<ColumnMetadata> = {}) => ({ type, ...extra }) as ColumnMetadata;

describe('column values in webhooks', () => {
  it('sends bigint and decimal as strings, whichever form they come in', () => {
    expect(serializeColumnValue(column('bigint'), 42)).toBe('42');
    expect(serializeColumnValue(column('bigint'), 9007199254740993n)).toBe('9007199254740993');
    expect(serializeColumnValue(column('decimal'), '12.50')).toBe('12.50');
  });

  it('sends a decimal at its declared scale, so SQLite\'s 9.9 and the application\'s "9.90" are one value', () => {
    expect(serializeColumnValue(column('decimal', { scale: 2 }), 9.9)).toBe('9.90');
    expect(serializeColumnValue(column('numeric', { scale: 2 }), '9.90')).toBe('9.90');
    expect(serializeColumnValue(column('decimal', { scale: 2 }), '9.9')).toBe('9.90');
  });

  it('sends numbers as numbers, booleans as booleans (also 0/1), null as null', () => {
    expect(serializeColumnValue(column('int'), '7')).toBe(7);
    expect(serializeColumnValue(column(Number), 7)).toBe(7);
    expect(serializeColumnValue(column('boolean'), 1)).toBe(true);
    expect(serializeColumnValue(column(Boolean), 0)).toBe(false);
    expect(serializeColumnValue(column('int'), null)).toBeNull();
  });

  it('sends timestamps as ISO 8601 in UTC and dates as the local calendar day', () => {
    expect(serializeColumnValue(column('timestamptz'), '2026-11-23 10:15:30+00')).toBe('2026-11-23T10:15:30.000Z');
    expect(serializeColumnValue(column(Date), new Date(Date.UTC(2026, 10, 23, 10, 15, 30)))).toBe(
      '2026-11-23T10:15:30.000Z',
    );
    expect(
      serializeColumnValue(column('varchar', { isCreateDate: true } as Partial<ColumnMetadata>), new Date(0)),
    ).toBe('1970-01-01T00:00:00.000Z');
    expect(serializeColumnValue(column('date'), new Date(2026, 0, 5, 12))).toBe('2026-01-05');
    expect(serializeColumnValue(column('date'), '2026-01-05')).toBe('2026-01-05');
  });

  it('keeps what a transformer made, and text, JSON and unparseable values as they are', () => {
    expect(
      serializeColumnValue(column('decimal', { transformer: { to: (v: unknown) => v, from: Number } }), 12.5),
    ).toBe(12.5);
    expect(serializeColumnValue(column('simple-json'), { a: 1 })).toEqual({ a: 1 });
    expect(serializeColumnValue(column('timestamp'), 'not a date')).toBe('not a date');
    expect(serializeColumnValue(column('int'), 'abc')).toBe('abc');
  });

  it('compares decimals by value, also without a declared scale', () => {
    expect(sameColumnValue(column('numeric'), '12.50', '12.5')).toBe(true);
    expect(sameColumnValue(column('numeric'), '12.50', '12.51')).toBe(false);
    expect(sameColumnValue(column('simple-json'), { a: 1 }, { a: 1 })).toBe(true);
    expect(sameColumnValue(column('varchar'), '1.0', '1')).toBe(false);
  });
});
