import type { ValueTransformer } from 'typeorm';

/**
 * A JSON value kept in a TEXT column (every dialect has one; MySQL's JSON type would reorder keys and PostgreSQL's
 * jsonb would normalise them): written as `JSON.stringify` gives it, read back parsed. `null` stays `null`.
 */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? value : JSON.stringify(value)),
  from: (value: string | null) => (value === null || value === undefined ? value : JSON.parse(value)),
};
