import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
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
const EVENT_COLUMNS = ['id', 'type', 'payload', 'occurred_at', 'source_entity', 'source_id', 'tenant', 'sequence', 'ordering_key'] as const;
/** Their PostgreSQL types, for the arrays of the insert. */
const EVENT_COLUMN_TYPES = ['varchar', 'varchar', 'text', 'bigint', 'varchar', 'varchar', 'varchar', 'bigint', 'varchar'] as const;

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
  return JSON.stringify(body, jsonSafe);
}

/**
 * Writes events to the outbox with the caller's EntityManager, so the row commits or rolls back with the caller's
 * transaction; both entity capture and `WebhookPublisher` go through it. The body is serialised here, once: every
 * delivery and replay sends these exact bytes.
 */
@Injectable()
export class OutboxEventWriter {
  constructor(private readonly wake: OutboxWakeSignal) {}

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
    const ids: string[] = [];
    const values: unknown[] = [];
    for (const input of inputs) {
      const id = newOutboxId('msg');
      ids.push(id);
      values.push(
        id,
        input.type,
        eventBody(input, occurredAt),
        occurredAt,
        input.sourceEntity ?? null,
        input.sourceId ?? null,
        input.tenant ?? null,
        input.sequence ?? null,
        input.orderingKey ?? null,
      );
    }
    const dataSource = manager.connection;
    const table = escapedTableName(dataSource, WebhookEventEntity);
    const width = EVENT_COLUMNS.length;
    // Plain statements with the caller's manager: in the caller's transaction, and no entity listeners.
    if (dataSource.options.type === 'postgres') {
      // One array per column (unnest): one small statement to parse and plan however many rows, and the same
      // statement tells every listening relay (other instances too) once this commits; a rollback notifies no one.
      const columns = EVENT_COLUMNS.map((_, column) => values.filter((_, index) => index % width === column));
      await manager.query(
        `WITH written AS (
           INSERT INTO ${table} (${EVENT_COLUMNS.join(', ')})
           SELECT * FROM unnest(${EVENT_COLUMN_TYPES.map((type, index) => `$${index + 1}::${type}[]`).join(', ')})
           RETURNING 1)
         SELECT pg_notify('${OUTBOX_CHANNEL}', '')`,
        columns,
      );
    } else {
      // Chunked, so a huge transaction stays within the driver's limit on parameters.
      for (let first = 0; first < inputs.length; first += ROWS_PER_STATEMENT) {
        const count = Math.min(ROWS_PER_STATEMENT, inputs.length - first);
        const rows = Array.from({ length: count }, () => `(${EVENT_COLUMNS.map(() => '?').join(', ')})`);
        await manager.query(`INSERT INTO ${table} (${EVENT_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, values.slice(first * width, (first + count) * width));
      }
    }
    // The relay is woken when the outermost transaction commits (EntityChangeSubscriber.afterTransactionCommit).
    if (queryRunner?.isTransactionActive) queryRunner.data[CAPTURED_IN_TRANSACTION] = true;
    else this.wake.notifyCommitted();
    return ids;
  }
}
