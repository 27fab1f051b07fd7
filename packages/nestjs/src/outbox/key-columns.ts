import { createHash } from 'node:crypto';

/**
 * Length of the outbox's key columns (endpoint ids, tenants, ordering and sequence keys): 191 characters is what a
 * utf8mb4 index on MySQL 5.7 takes, so the same limit holds on every database.
 */
export const KEY_COLUMN_LENGTH = 191;

/** A key that fits a key column: itself, or its SHA-256 when longer (two keys that differ still differ). */
export function fittedKey(key: string, length = KEY_COLUMN_LENGTH): string {
  return key.length <= length ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** Why `tenant` cannot be stored as a tenant, or `null` when it can: the one check behind publishing and endpoints. */
export function tenantError(tenant: unknown): string | null {
  return typeof tenant === 'string' && tenant !== '' && tenant.length <= KEY_COLUMN_LENGTH
    ? null
    : `must be a non-empty string of at most ${KEY_COLUMN_LENGTH} characters.`;
}
