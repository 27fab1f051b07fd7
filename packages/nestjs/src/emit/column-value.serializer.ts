import type { EntityMetadata } from 'typeorm';
import { decimalText } from './decimal-text.js';

type ColumnMetadata = EntityMetadata['columns'][number];

/** Types whose values exceed a double's precision: sent as decimal strings, whatever the driver handed back. */
const DECIMAL_STRING = new Set(['bigint', 'int8', 'decimal', 'numeric', 'dec', 'money', 'fixed']);
const NUMBER = new Set([
  'int',
  'integer',
  'int2',
  'int4',
  'smallint',
  'tinyint',
  'mediumint',
  'float',
  'float4',
  'float8',
  'double',
  'double precision',
  'real',
]);
const BOOLEAN = new Set(['boolean', 'bool']);
const DATE_ONLY = new Set(['date']);
const TIMESTAMP = new Set([
  'timestamp',
  'timestamptz',
  'timestamp with time zone',
  'timestamp without time zone',
  'datetime',
  'datetime2',
  'datetimeoffset',
  'smalldatetime',
]);

function typeName(column: ColumnMetadata): string {
  const { type } = column;
  if (type === Number) return 'integer';
  if (type === Boolean) return 'boolean';
  if (type === Date) return 'timestamp';
  if (type === String) return 'varchar';
  return typeof type === 'string' ? type.toLowerCase() : '';
}

/** The form a column's values take in a webhook, by its declared type (see `serializeColumnValue`). */
export type ColumnValueKind = 'decimal-string' | 'number' | 'boolean' | 'date' | 'timestamp' | 'other';

/** Which form `serializeColumnValue` gives this column's values. */
export function columnValueKind(column: ColumnMetadata): ColumnValueKind {
  const type = typeName(column);
  if (DECIMAL_STRING.has(type)) return 'decimal-string';
  if (NUMBER.has(type)) return 'number';
  if (BOOLEAN.has(type)) return 'boolean';
  if (DATE_ONLY.has(type)) return 'date';
  if (TIMESTAMP.has(type) || column.isCreateDate || column.isUpdateDate || column.isDeleteDate) return 'timestamp';
  return 'other';
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A column value in the form its declared type gives it in a webhook, the same whether it came from the caller's
 * object or from the driver: bigint and decimal as strings (at their declared scale, if any: `decimalText`),
 * numbers as numbers, booleans as booleans (MySQL's 0/1 too), timestamps as ISO 8601 in UTC, dates as
 * `YYYY-MM-DD`. Other values (text, JSON, enums) are kept as they are; `null` stays `null`. A column with a
 * transformer keeps the value its transformer gives: the application chose that form.
 */
export function serializeColumnValue(column: ColumnMetadata, value: unknown): unknown {
  if (value === null || value === undefined || column.transformer) return value;
  const type = typeName(column);
  if (DECIMAL_STRING.has(type)) {
    if (typeof value === 'number' || typeof value === 'bigint') return decimalText(value, column.scale ?? undefined);
    // Without a declared scale, text keeps the spelling the application or database gave (PostgreSQL keeps 12.50).
    return typeof value === 'string' && column.scale != null ? decimalText(value, column.scale) : value;
  }
  if (NUMBER.has(type))
    return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  if (BOOLEAN.has(type)) return typeof value === 'number' || typeof value === 'string' ? Boolean(Number(value)) : value;
  if (DATE_ONLY.has(type) && value instanceof Date) {
    // TypeORM stores a Date given to a date column as its local calendar day.
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (TIMESTAMP.has(type) || column.isCreateDate || column.isUpdateDate || column.isDeleteDate) {
    const date =
      value instanceof Date
        ? value
        : typeof value === 'string' || typeof value === 'number'
          ? new Date(value)
          : undefined;
    if (date && !Number.isNaN(date.getTime())) return date.toISOString();
  }
  return value;
}

/**
 * Whether two values of a column, each already in its webhook form, are the same value: decimals by value
 * (`'12.5'` and `'12.50'` in a column without a declared scale), JSON by content, anything else by equality.
 */
export function sameColumnValue(column: ColumnMetadata, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!column.transformer && DECIMAL_STRING.has(typeName(column)) && typeof a === 'string' && typeof b === 'string') {
    return decimalText(a) === decimalText(b);
  }
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
