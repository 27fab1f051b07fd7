import type { DataSource, EntityManager } from 'typeorm';
import { escapeQueryWithParameters } from '../../compat/typeorm-compat.js';
import { WebhookEntitySequenceEntity } from '../entities/index.js';
import { fittedKey } from '../key-columns.js';
import { escapedTableName } from '../outbox-tables.js';
import { dialectOf } from './sql-dialect.js';

/**
 * The next sequence number of an entity row's events, counted in `webhook_entity_sequence` inside the caller's
 * transaction: the row's own lock (held by the change being captured) orders concurrent transactions on it, so the
 * numbers follow commit order. PostgreSQL and SQLite increment and read in one upsert; MySQL inserts the counter
 * if absent and then increments it by key, because `INSERT ... ON DUPLICATE KEY UPDATE` takes gap locks that
 * deadlock concurrent first events of different rows. `after` is the number the row's events already reached when
 * its counter does not exist yet (1 for a row whose insert was numbered without it, else 0).
 */
export async function nextSequence(
  dataSource: DataSource,
  manager: EntityManager,
  entity: string,
  entityId: string,
  after = 0,
): Promise<number> {
  const table = escapedTableName(dataSource, WebhookEntitySequenceEntity);
  const parameters = { entity, entityId: fittedKey(entityId), first: after + 1, start: after };
  const run = (sql: string) => {
    const [query, values] = escapeQueryWithParameters(dataSource, sql, parameters);
    return manager.query(query, values) as Promise<Array<{ last: unknown }>>;
  };
  switch (dialectOf(dataSource)) {
    case 'postgres': {
      const [row] = await run(
        `INSERT INTO ${table} (entity, entity_id, last) VALUES (:entity, :entityId, :first)
         ON CONFLICT (entity, entity_id) DO UPDATE SET last = ${table}.last + 1 RETURNING last`,
      );
      return Number(row!.last);
    }
    case 'mysql': {
      await run(`INSERT IGNORE INTO ${table} (entity, entity_id, last) VALUES (:entity, :entityId, :start)`);
      await run(`UPDATE ${table} SET last = last + 1 WHERE entity = :entity AND entity_id = :entityId`);
      const [row] = await run(`SELECT last FROM ${table} WHERE entity = :entity AND entity_id = :entityId`);
      return Number(row!.last);
    }
    default: {
      const [row] = await run(
        `INSERT INTO ${table} (entity, entity_id, last) VALUES (:entity, :entityId, :first)
         ON CONFLICT (entity, entity_id) DO UPDATE SET last = last + 1 RETURNING last`,
      );
      return Number(row!.last);
    }
  }
}
