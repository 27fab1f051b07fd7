import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { newOutboxId } from '../outbox/outbox-ids.js';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import { type EventInsertRow, insertEvents } from '../outbox/stores/event-insert.statements.js';
import { startCaptureSpan } from '../telemetry/webhook-tracing.js';
import { type WebhookEventCapturedEvent, WebhookDeliveryEvents } from '../telemetry/webhook-delivery.events.js';

/**
 * Marks a transaction (on its query runner's per-transaction `data`) as having written outbox events: `true`, or
 * the events written when someone listens for `event.captured` (reported once the transaction commits).
 */
export const CAPTURED_IN_TRANSACTION = 'webhookOutboxCaptured';

/** What a transaction's `CAPTURED_IN_TRANSACTION` holds. */
export type CapturedInTransaction = true | WebhookEventCapturedEvent[];

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

/** JSON has no bigint; send it as a decimal string rather than fail the caller's transaction. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * The JSON body of an event, serialised once: `{ type, timestamp, sequence?, data, changes? }`. `timestamp` is the
 * ISO 8601 form of its `occurred_at` (formatted once for every event of a transaction).
 */
export function eventBody(
  input: Pick<OutboxEventInput, 'type' | 'data' | 'changes' | 'sequence'>,
  timestamp: string,
): string {
  // Assigned in the body's key order rather than spread: this runs for every captured event.
  const body: Record<string, unknown> = { type: input.type, timestamp };
  if (input.sequence != null) body.sequence = input.sequence;
  body.data = input.data;
  if (input.changes !== undefined) body.changes = input.changes;
  try {
    // Without a replacer first: a replacer is a function call for every value, and bigints are rare.
    return JSON.stringify(body);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(body, jsonSafe);
  }
}

/**
 * Writes events to the outbox with the caller's EntityManager, so the row commits or rolls back with the caller's
 * transaction; both entity capture and `WebhookPublisher` go through it. The body is serialised here, once: every
 * delivery and replay sends these exact bytes.
 */
@Injectable()
export class OutboxEventWriter {
  constructor(
    private readonly wake: OutboxWakeSignal,
    private readonly events: WebhookDeliveryEvents,
  ) {}

  /** Inserts the event and returns its id (the `webhook-id` of every request for it). */
  async write(manager: EntityManager, queryRunner: QueryRunner | undefined, input: OutboxEventInput): Promise<string> {
    const [id] = await this.writeAll(manager, queryRunner, [input]);
    return id!;
  }

  /**
   * Inserts the events with one multi-row statement (a transaction saving 100 entities pays one round trip, not
   * 100) and returns their ids, in order.
   */
  async writeAll(
    manager: EntityManager,
    queryRunner: QueryRunner | undefined,
    inputs: readonly OutboxEventInput[],
  ): Promise<string[]> {
    if (inputs.length === 0) return [];
    const occurredAt = Date.now();
    const timestamp = new Date(occurredAt).toISOString();
    const rows: EventInsertRow[] = inputs.map((input) => ({
      id: newOutboxId('msg'),
      type: input.type,
      payload: eventBody(input, timestamp),
      occurredAt,
      sourceEntity: input.sourceEntity ?? null,
      sourceId: input.sourceId ?? null,
      tenant: input.tenant ?? null,
      sequence: input.sequence ?? null,
      orderingKey: input.orderingKey ?? null,
    }));
    // In the user's transaction and trace: the capture span's context goes with the events to their deliveries.
    const span = startCaptureSpan(rows);
    if (span) for (const row of rows) row.traceContext = span.traceContext;
    try {
      await insertEvents(manager, rows);
    } catch (error) {
      span?.end(error);
      throw error;
    }
    span?.end();
    const captured = this.events.wants('event.captured')
      ? rows.map(
          ({ id, type, tenant, sourceEntity, sourceId }): WebhookEventCapturedEvent => ({
            kind: 'event.captured',
            webhookId: id,
            type,
            tenant,
            sourceEntity,
            sourceId,
            at: occurredAt,
          }),
        )
      : undefined;
    // The relay is woken, and the capture reported, when the outermost transaction commits
    // (EntityChangeSubscriber.afterTransactionCommit).
    if (queryRunner?.isTransactionActive) {
      const marked = queryRunner.data[CAPTURED_IN_TRANSACTION] as CapturedInTransaction | undefined;
      if (!captured) queryRunner.data[CAPTURED_IN_TRANSACTION] = marked ?? true;
      else queryRunner.data[CAPTURED_IN_TRANSACTION] = Array.isArray(marked) ? [...marked, ...captured] : captured;
    } else {
      this.wake.notifyCommitted();
      for (const event of captured ?? []) this.events.publish(event);
    }
    return rows.map((row) => row.id);
  }
}
