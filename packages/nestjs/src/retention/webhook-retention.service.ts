import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RetentionStatements } from '../outbox/stores/retention.statements.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS } from '../webhook.tokens.js';

/** What one `prune()` deleted. */
export interface WebhookPruneResult {
  /** Finished (succeeded or failed) deliveries completed before the cutoff. */
  deliveries: number;
  /** Attempts of those deliveries. */
  attempts: number;
  /** Events fanned out before the cutoff that no delivery refers to any more. */
  events: number;
  /** Received webhook ids recorded before the cutoff. */
  inbox: number;
}

/**
 * Deletes what is older than `retention.maxAge`: finished deliveries with their attempts, then the events they
 * leave without any delivery, and the inbox's received ids. Pending deliveries and events not yet fanned out are
 * never touched, whatever their age. Each batch is its own short transaction, so pruning a large backlog never
 * holds locks the relay or the application wait for; running it on several instances at once is harmless.
 */
@Injectable()
export class WebhookRetention {
  private readonly logger = new Logger(WebhookRetention.name);

  private readonly statements: RetentionStatements;

  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(WEBHOOK_DATA_SOURCE) dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {
    this.statements = new RetentionStatements(dataSource, options.retention.batchSize);
  }

  /** Prunes everything older than `maxAge` (default `retention.maxAge`) before now. */
  async prune(maxAge = this.options.retention.maxAge): Promise<WebhookPruneResult> {
    const cutoff = this.clock.now() - maxAge;
    const result: WebhookPruneResult = { deliveries: 0, attempts: 0, events: 0, inbox: 0 };
    const sql = this.statements;
    for (
      let batch = await sql.finishedDeliveries(cutoff);
      batch.length > 0;
      batch = await sql.finishedDeliveries(cutoff)
    ) {
      const { attempts, deliveries } = await sql.deleteDeliveries(batch, cutoff);
      result.attempts += attempts;
      result.deliveries += deliveries;
      if (deliveries === 0) break;
    }
    for (let batch = await sql.orphanedEvents(cutoff); batch.length > 0; batch = await sql.orphanedEvents(cutoff)) {
      const deleted = await sql.deleteOrphanedEvents(batch);
      result.events += deleted;
      if (deleted === 0) break;
    }
    for (let batch = await sql.oldInboxKeys(cutoff); batch.length > 0; batch = await sql.oldInboxKeys(cutoff)) {
      const deleted = await sql.deleteInboxKeys(batch);
      result.inbox += deleted;
      if (deleted === 0) break;
    }
    if (result.deliveries + result.events + result.inbox > 0) {
      this.logger.log(
        `Pruned ${result.deliveries} deliveries, ${result.attempts} attempts, ${result.events} events and ${result.inbox} inbox ids older than ${new Date(cutoff).toISOString()}.`,
      );
    }
    return result;
  }
}
