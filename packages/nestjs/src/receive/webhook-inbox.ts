import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { escapedTableName } from '../outbox/outbox-tables.js';
import { dialectOf, insertIfAbsent } from '../outbox/stores/sql-dialect.js';
import { runStatement } from '../outbox/stores/run-statement.js';
import { WebhookInboxEntity } from './webhook-inbox.entity.js';
import { runSerialized } from '../outbox/webhook-transaction.runner.js';

const MAX_ID_LENGTH = 255;

/** Fits a sender's id into the inbox key column: ids longer than the column are stored as their SHA-256. */
export function inboxKey(id: string): string {
  return id.length <= MAX_ID_LENGTH ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/**
 * The `webhook_inbox` table: which (receiver, webhook id) pairs have been processed. Recording is an
 * insert-if-absent, so of two requests racing with the same id exactly one records it, on every dialect. Records
 * are written in the caller's transaction (`runInOwnTransaction`), so they commit with the handler's work.
 */
export class WebhookInbox {
  private readonly insert: string;

  constructor(private readonly dataSource: DataSource) {
    const table = escapedTableName(dataSource, WebhookInboxEntity);
    this.insert = insertIfAbsent(dialectOf(dataSource)!, `${table} (receiver, webhook_id, received_at) VALUES (:receiver, :id, :now)`);
  }

  /** Whether this webhook was processed before (a plain read: a racing request may still be processing it). */
  async has(receiver: string, id: string): Promise<boolean> {
    return runSerialized(this.dataSource, () =>
      this.dataSource.getRepository(WebhookInboxEntity).existsBy({ receiver, webhookId: inboxKey(id) }),
    );
  }

  /**
   * Records the webhook as processed through `manager` (inside its transaction, if it has one). Returns `false`
   * when it was already recorded, after waiting for a concurrent transaction that recorded it to finish.
   */
  async record(manager: EntityManager, receiver: string, id: string, now: number): Promise<boolean> {
    return (await runStatement(this.dataSource, manager, this.insert, { receiver, id: inboxKey(id), now })) > 0;
  }
}
