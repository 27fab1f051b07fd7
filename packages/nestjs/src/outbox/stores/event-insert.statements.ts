import type { DataSource, EntityManager } from 'typeorm';
import { WebhookEventEntity } from '../entities/index.js';
import type { OutboxEventRow } from '../outbox-store.js';
import { escapedTableName } from '../outbox-tables.js';
import { OUTBOX_CHANNEL } from './outbox-notify.statements.js';
import { type OutboxDialect, dialectOf } from './sql-dialect.js';

/** A new `webhook_event` row; `fannedOutAt` is set only by a writer that creates the deliveries itself (backfill). */
export type EventInsertRow = OutboxEventRow & { fannedOutAt?: number | null };

/** The columns of `webhook_event`, in the order every insert lists them, with their PostgreSQL array types. */
const EVENT_COLUMNS = [
  ['id', 'varchar'],
  ['type', 'varchar'],
  ['payload', 'text'],
  ['occurred_at', 'bigint'],
  ['fanned_out_at', 'bigint'],
  ['source_entity', 'varchar'],
  ['source_id', 'varchar'],
  ['tenant', 'varchar'],
  ['sequence', 'bigint'],
  ['ordering_key', 'varchar'],
  ['trace_context', 'varchar'],
] as const;

/** Up to this many rows, PostgreSQL gets a plain multi-row VALUES; beyond, arrays (see `postgresInsert`). */
const PLAIN_VALUES_ROWS = 10;

/** 500 rows of 11 parameters: well within MySQL's and SQLite's limits on one statement. */
const ROWS_PER_STATEMENT = 500;

/** `table (columns)` per DataSource: written for every transaction that captures. */
const intoClauses = new WeakMap<DataSource, string>();

/** `webhook_event (columns)`, escaped for the DataSource, as every insert of events names it. */
export function eventInsertTarget(dataSource: DataSource): string {
  let into = intoClauses.get(dataSource);
  if (into === undefined) {
    into = `${escapedTableName(dataSource, WebhookEventEntity)} (${EVENT_COLUMNS.map(([name]) => name).join(', ')})`;
    intoClauses.set(dataSource, into);
  }
  return into;
}

/** A row's values in `EVENT_COLUMNS` order. */
export function eventValues(row: EventInsertRow): unknown[] {
  const { id, type, payload, occurredAt, fannedOutAt, sourceEntity, sourceId, tenant, sequence, orderingKey } = row;
  const values = [id, type, payload, occurredAt, fannedOutAt ?? null, sourceEntity, sourceId, tenant, sequence];
  return [...values, orderingKey, row.traceContext ?? null];
}

/** `INSERT` of `rows` rows with `?` placeholders; `ifAbsent` skips ids already present (MySQL, SQLite). */
export function eventInsertSql(
  dialect: Exclude<OutboxDialect, 'postgres'>,
  into: string,
  rows: number,
  ifAbsent: boolean,
): string {
  const tuple = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
  const values = `${into} VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
  if (!ifAbsent) return `INSERT INTO ${values}`;
  return dialect === 'mysql' ? `INSERT IGNORE INTO ${values}` : `INSERT OR IGNORE INTO ${values}`;
}

/**
 * PostgreSQL's insert of `rows`: a few as plain VALUES, more as one array per column (unnest), one small statement
 * to parse and plan however many rows. Measured with bench/probes/capture.probe.ts: VALUES is ~15% faster for one
 * row, the two are even at ten, and unnest is ~25% faster at a hundred.
 */
function postgresInsert(into: string, rows: unknown[][], ifAbsent: boolean): [string, unknown[]] {
  const onConflict = ifAbsent ? ' ON CONFLICT DO NOTHING' : '';
  if (rows.length <= PLAIN_VALUES_ROWS) {
    const tuples = rows.map((row, r) => `(${row.map((_, c) => `$${r * row.length + c + 1}`).join(', ')})`);
    return [`INSERT INTO ${into} VALUES ${tuples.join(', ')}${onConflict}`, rows.flat()];
  }
  const arrays = EVENT_COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`);
  const columns = EVENT_COLUMNS.map((_, column) => rows.map((row) => row[column]));
  return [`INSERT INTO ${into} SELECT * FROM unnest(${arrays.join(', ')})${onConflict}`, columns];
}

/**
 * The one way rows get into `webhook_event`: capture and publishing, backfill, and events forwarded from another
 * DataSource's outbox (`ifAbsent`: a forward repeated after a crash skips the ids already here). Plain statements
 * through `manager`, so the rows commit or roll back with its transaction and no entity listener runs. On
 * PostgreSQL the same statement notifies every listening relay (other instances too) once it commits; a rollback
 * notifies no one. Elsewhere the rows go in chunks, within the driver's limit on parameters.
 */
export async function insertEvents(
  manager: EntityManager,
  rows: readonly EventInsertRow[],
  { ifAbsent = false } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const dataSource = manager.connection;
  const into = eventInsertTarget(dataSource);
  const dialect = dialectOf(dataSource);
  if (dialect === 'postgres') {
    const [insert, parameters] = postgresInsert(into, rows.map(eventValues), ifAbsent);
    await manager.query(
      `WITH written AS (${insert} RETURNING 1) SELECT pg_notify('${OUTBOX_CHANNEL}', '')`,
      parameters,
    );
    return;
  }
  for (let first = 0; first < rows.length; first += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(first, first + ROWS_PER_STATEMENT);
    await manager.query(
      eventInsertSql(dialect === 'mysql' ? 'mysql' : 'sqlite', into, chunk.length, ifAbsent),
      chunk.flatMap(eventValues),
    );
  }
}
