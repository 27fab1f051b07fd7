import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { WebhookEventEntity } from '../outbox/entities/index.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import { escapedTableName } from '../outbox/outbox-tables.js';
import { OUTBOX_CHANNEL } from '../outbox/postgres-commit.listener.js';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';

/** Marks a transaction (on its query runner's per-transaction `data`) as having written outbox events. */
export const CAPTURED_IN_TRANSACTION = 'webhookOutboxCaptured';

/** One event to write to the outbox. */
export interface OutboxEventInput {
  type: string;
  data: unknown;
  /** Field changes of an update; sent as `changes`. */
  changes?: unknown;
  tenant?: string | null;
  sourceEntity?: string | null;
  sourceId?: string | null;
  /** The row's event number (`sequence` in the body). */
  sequence?: number | null;
  /** Set for `ordered` rules: the row's events go to each endpoint in `sequence` order. */
  orderingKey?: string | null;
}

/** The columns capture writes; `fanned_out_at` stays NULL until the relay fans the event out. */
const EVENT_COLUMNS = [
  ['id', 'varchar'],
  ['type', 'varchar'],
  ['payload', 'text'],
  ['occurred_at', 'bigint'],
  ['source_entity', 'varchar'],
  ['source_id', 'varchar'],
  ['tenant', 'varchar'],
  ['sequence', 'bigint'],
  ['ordering_key', 'varchar'],
] as const;

/** Up to this many rows, PostgreSQL gets a plain multi-row VALUES; beyond, arrays (see postgresInsert). */
const PLAIN_VALUES_ROWS = 10;

/** 500 rows of 9 parameters: well within MySQL's and SQLite's limits on one statement. */
const ROWS_PER_STATEMENT = 500;

/** JSON has no bigint; send it as a decimal string rather than fail the caller's transaction. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The JSON body of an event, serialised once: `{ type, timestamp, sequence?, data, changes? }`. */
export function eventBody(input: Pick<OutboxEventInput, 'type' | 'data' | 'changes' | 'sequence'>, occurredAt: number): string {
  const body = {
    type: input.type,
    timestamp: new Date(occurredAt).toISOString(),
    ...(input.sequence != null && { sequence: input.sequence }),
    data: input.data,
    ...(input.changes !== undefined && { changes: input.changes }),
  };
  try {
    // Without a replacer first: a replacer is a function call for every value, and bigints are rare.
    return JSON.stringify(body);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(body, jsonSafe);
  }
}

/**
 * PostgreSQL's insert of `rows`: a few as plain VALUES, more as one array per column (unnest), one small statement
 * to parse and plan however many rows. Measured with bench/probes/capture.probe.ts: VALUES is ~15% faster for one
 * row, the two are even at ten, and unnest is ~25% faster at a hundred.
 */
function postgresInsert(into: string, rows: unknown[][]): [string, unknown[]] {
  if (rows.length <= PLAIN_VALUES_ROWS) {
    const tuples = rows.map((row, r) => `(${row.map((_, c) => `$${r * row.length + c + 1}`).join(', ')})`);
    return [`INSERT INTO ${into} VALUES ${tuples.join(', ')}`, rows.flat()];
  }
  const arrays = EVENT_COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`);
  return [`INSERT INTO ${into} SELECT * FROM unnest(${arrays.join(', ')})`, EVENT_COLUMNS.map((_, column) => rows.map((row) => row[column]))];
}

/**
 * Writes events to the outbox with the caller's EntityManager, so the row commits or rolls back with the caller's
 * transaction; both entity capture and `WebhookPublisher` go through it. The body is serialised here, once: every
 * delivery and replay sends these exact bytes.
 */
@Injectable()
export class OutboxEventWriter {
  /** `table (columns)` per DataSource: written for every transaction that captures. */
  private readonly into = new WeakMap<DataSource, string>();

  constructor(private readonly wake: OutboxWakeSignal) {}

  private intoClause(dataSource: DataSource): string {
    let into = this.into.get(dataSource);
    if (into === undefined) {
      into = `${escapedTableName(dataSource, WebhookEventEntity)} (${EVENT_COLUMNS.map(([name]) => name).join(', ')})`;
      this.into.set(dataSource, into);
    }
    return into;
  }

  /** Inserts the event and returns its id (the `webhook-id` of every request for it). */
  async write(manager: EntityManager, queryRunner: QueryRunner | undefined, input: OutboxEventInput): Promise<string> {
    const [id] = await this.writeAll(manager, queryRunner, [input]);
    return id!;
  }

  /**
   * Inserts the events with one multi-row statement (a transaction saving 100 entities pays one round trip, not
   * 100) and returns their ids, in order.
   */
  async writeAll(manager: EntityManager, queryRunner: QueryRunner | undefined, inputs: readonly OutboxEventInput[]): Promise<string[]> {
    if (inputs.length === 0) return [];
    const occurredAt = Date.now();
    const rows = inputs.map((input) => [
      newOutboxId('msg'),
      input.type,
      eventBody(input, occurredAt),
      occurredAt,
      input.sourceEntity ?? null,
      input.sourceId ?? null,
      input.tenant ?? null,
      input.sequence ?? null,
      input.orderingKey ?? null,
    ]);
    const dataSource = manager.connection;
    const into = this.intoClause(dataSource);
    // Plain statements with the caller's manager: in the caller's transaction, and no entity listeners.
    if (dataSource.options.type === 'postgres') {
      // The same statement tells every listening relay (other instances too) once this commits; a rollback
      // notifies no one.
      const [insert, parameters] = postgresInsert(into, rows);
      await manager.query(`WITH written AS (${insert} RETURNING 1) SELECT pg_notify('${OUTBOX_CHANNEL}', '')`, parameters);
    } else {
      // Chunked, so a huge transaction stays within the driver's limit on parameters.
      const placeholders = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
      for (let first = 0; first < rows.length; first += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(first, first + ROWS_PER_STATEMENT);
        await manager.query(`INSERT INTO ${into} VALUES ${chunk.map(() => placeholders).join(', ')}`, chunk.flat());
      }
    }
    // The relay is woken when the outermost transaction commits (EntityChangeSubscriber.afterTransactionCommit).
    if (queryRunner?.isTransactionActive) queryRunner.data[CAPTURED_IN_TRANSACTION] = true;
    else this.wake.notifyCommitted();
    return rows.map(([id]) => id as string);
  }
}
