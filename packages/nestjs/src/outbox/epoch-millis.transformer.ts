import type { ValueTransformer } from 'typeorm';

/**
 * Times are stored as Unix epoch milliseconds in BIGINT columns: every dialect compares them the same way, and no
 * driver or session time zone can shift them. Drivers hand BIGINT back as a string; this turns it into a number.
 */
export const epochMillis: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
