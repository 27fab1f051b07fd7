import type { DataSource, EntityManager } from 'typeorm';
import { WebhookEventEntity } from '../entities/index.js';
import type { OutboxEventRow } from '../outbox-store.js';
import { escapedTableName } from '../outbox-tables.js';
import { type OutboxDialect, dialectOf } from './sql-dialect.js';

/** A new `webhook_event` row; `fannedOutAt` is set only by a writer that creates the deliveries itself (backfill). */
export type EventInsertRow = OutboxEventRow & { fannedOutAt?: number | null };

/** The columns of `webhook_event`, in the order every insert lists them, with their PostgreSQL types. */
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

/** Up to this many rows, PostgreSQL gets a plain multi-row VALUES; beyond, one JSON document (see `postgresInsert`). */
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

/** `json_to_recordset`'s column list: every column with its type. */
const RECORD_COLUMNS = EVENT_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');

/**
 * Text from application code (a type, a key, a tenant) as node-postgres would send it in a parameter, lone surrogates
 * as U+FFFD: PostgreSQL refuses a lone surrogate escaped in JSON, where a UTF-8 parameter never carries one.
 */
function wellFormed(value: string | null): string | null {
  return value === null ? null : (value as string & { toWellFormed(): string }).toWellFormed();
}

/** A row as a record of `json_to_recordset`, keyed by column. */
function eventRecord(row: EventInsertRow) {
  return {
    id: row.id,
    type: wellFormed(row.type),
    payload: row.payload,
    occurred_at: row.occurredAt,
    fanned_out_at: row.fannedOutAt ?? null,
    source_entity: wellFormed(row.sourceEntity),
    source_id: wellFormed(row.sourceId),
    tenant: wellFormed(row.tenant),
    sequence: row.sequence,
    ordering_key: wellFormed(row.orderingKey),
    trace_context: row.traceContext ?? null,
  } satisfies Record<(typeof EVENT_COLUMNS)[number][0], unknown>;
}

/**
 * PostgreSQL's insert of `rows`: a few as plain VALUES, more as one JSON document read by `json_to_recordset`, one
 * small statement with one parameter however many rows. Measured (100 rows of capture's shape, 1 and 8 writers):
 * VALUES is fastest up to about ten rows; at a hundred, JSON commits 20–40% more transactions than VALUES or one
 * array per column (unnest), and costs Node a third less CPU than unnest, whose arrays node-postgres escapes
 * character by character in JavaScript.
 */
function postgresInsert(into: string, rows: readonly EventInsertRow[], ifAbsent: boolean): [string, unknown[]] {
  const onConflict = ifAbsent ? ' ON CONFLICT DO NOTHING' : '';
  if (rows.length <= PLAIN_VALUES_ROWS) {
    const columns = EVENT_COLUMNS.length;
    const tuples = rows.map((_, r) => `(${EVENT_COLUMNS.map((_, c) => `$${r * columns + c + 1}`).join(', ')})`);
    return [`INSERT INTO ${into} VALUES ${tuples.join(', ')}${onConflict}`, rows.flatMap(eventValues)];
  }
  return [
    `INSERT INTO ${into} SELECT * FROM json_to_recordset($1::json) AS event(${RECORD_COLUMNS})${onConflict}`,
    [JSON.stringify(rows.map(eventRecord))],
  ];
}

/**
 * The one way rows get into `webhook_event`: capture and publishing, backfill, and events forwarded from another
 * DataSource's outbox (`ifAbsent`: a forward repeated after a crash skips the ids already here). Plain statements
 * through `manager`, so the rows commit or roll back with its transaction and no entity listener runs. Relays
 * are told by the caller once the rows are committed (`OutboxWakeSignal.notifyCommitted`), not by this statement:
 * PostgreSQL commits transactions that notify one at a time. Outside PostgreSQL the rows go in chunks, within the
 * driver's limit on parameters.
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
    const [insert, parameters] = postgresInsert(into, rows, ifAbsent);
    await manager.query(insert, parameters);
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
