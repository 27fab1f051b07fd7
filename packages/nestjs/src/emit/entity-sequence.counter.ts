import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { WebhookEntitySequenceEntity } from '../outbox/entities/index.js';
import { escapedTableName } from '../outbox/outbox-tables.js';
import { dialectOf } from '../outbox/stores/sql-dialect.js';

const MAX_KEY = 191;

/** A row key that fits the counter and ordering-key columns: itself, or its SHA-256 when longer. */
export function fittedKey(key: string): string {
  return key.length <= MAX_KEY ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The next sequence number of an entity row's events, counted in `webhook_entity_sequence` inside the caller's
 * transaction: the row's own lock (held by the change being captured) orders concurrent transactions on it, so the
 * numbers follow commit order. PostgreSQL and SQLite increment and read in one upsert; MySQL inserts the counter
 * if absent and then increments it by key, because `INSERT ... ON DUPLICATE KEY UPDATE` takes gap locks that
 * deadlock concurrent first events of different rows.
 */
export async function nextSequence(dataSource: DataSource, manager: EntityManager, entity: string, entityId: string): Promise<number> {
  const table = escapedTableName(dataSource, WebhookEntitySequenceEntity);
  const parameters = { entity, entityId: fittedKey(entityId) };
  const run = (sql: string) => {
    const [query, values] = dataSource.driver.escapeQueryWithParameters(sql, parameters);
    return manager.query(query, values) as Promise<Array<{ last: unknown }>>;
  };
  switch (dialectOf(dataSource)) {
    case 'postgres': {
      const [row] = await run(
        `INSERT INTO ${table} (entity, entity_id, last) VALUES (:entity, :entityId, 1)
         ON CONFLICT (entity, entity_id) DO UPDATE SET last = ${table}.last + 1 RETURNING last`,
      );
      return Number(row!.last);
    }
    case 'mysql': {
      await run(`INSERT IGNORE INTO ${table} (entity, entity_id, last) VALUES (:entity, :entityId, 0)`);
      await run(`UPDATE ${table} SET last = last + 1 WHERE entity = :entity AND entity_id = :entityId`);
      const [row] = await run(`SELECT last FROM ${table} WHERE entity = :entity AND entity_id = :entityId`);
      return Number(row!.last);
    }
    default: {
      const [row] = await run(
        `INSERT INTO ${table} (entity, entity_id, last) VALUES (:entity, :entityId, 1)
         ON CONFLICT (entity, entity_id) DO UPDATE SET last = last + 1 RETURNING last`,
      );
      return Number(row!.last);
    }
  }
}
