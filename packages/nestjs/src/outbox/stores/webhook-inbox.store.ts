import type { DataSource, EntityManager } from 'typeorm';
import { WebhookInboxEntity } from '../entities/index.js';
import { fittedKey } from '../key-columns.js';
import { escapedTableName } from '../outbox-tables.js';
import { runSerialized } from './own-transaction.runner.js';
import { runStatement } from './run-statement.js';
import { dialectOf, insertIfAbsent } from './sql-dialect.js';

/** The inbox's `webhook_id` column is longer than the other key columns: senders' ids are often long. */
const WEBHOOK_ID_LENGTH = 255;

/** Fits a sender's id into the inbox key column: ids longer than the column are stored as their SHA-256. */
function inboxKey(id: string): string {
  return fittedKey(id, WEBHOOK_ID_LENGTH);
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
    this.insert = insertIfAbsent(
      dialectOf(dataSource)!,
      `${table} (receiver, webhook_id, received_at) VALUES (:receiver, :id, :now)`,
    );
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
