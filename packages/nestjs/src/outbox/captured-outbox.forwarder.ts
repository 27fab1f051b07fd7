import { Inject, Injectable, Logger } from '@nestjs/common';
import { OUTBOX_STORE, WEBHOOK_CAPTURED_DATA_SOURCES } from '../webhook.tokens.js';
import type { CapturedDataSources } from './outbox-data-sources.js';
import type { OutboxStore } from './outbox-store.js';
import { createOutboxStore } from './stores/outbox-store.factory.js';

/** What one forwarding pass did. */
export interface ForwardResult {
  /** Events moved to the main outbox. */
  forwarded: number;
  /** Some outbox gave a full batch: more may be waiting. */
  more: boolean;
}

/**
 * Moves the events captured on the other DataSources (`captureDataSources`) into the module's own outbox, where
 * they are fanned out, delivered and logged like any other. Each was committed with its change in its own database;
 * here it is copied (keeping its id, so its `webhook-id` and its place in the row's `sequence`) and only then deleted
 * from there. A crash between the two copies it again next time, and the copy skips ids already present: moved
 * exactly once, whatever happens, with no transaction spanning two databases.
 */
@Injectable()
export class CapturedOutboxForwarder {
  private readonly logger = new Logger(CapturedOutboxForwarder.name);
  private readonly outboxes: ReadonlyArray<{ name: string; store: OutboxStore }>;
  /** Outboxes whose last pass failed, so an outage is logged once, and its end too. */
  private readonly failing = new Set<string>();

  constructor(
    @Inject(WEBHOOK_CAPTURED_DATA_SOURCES) sources: CapturedDataSources,
    @Inject(OUTBOX_STORE) private readonly main: OutboxStore,
  ) {
    this.outboxes = sources.forwarded.map((dataSource) => ({
      name: sources.names.get(dataSource)!,
      store: createOutboxStore(dataSource),
    }));
  }

  /** Whether other DataSources' outboxes are forwarded: their commits wake no one, so only polling finds them. */
  get forwardsAny(): boolean {
    return this.outboxes.length > 0;
  }

  /** Moves up to `limit` events from each captured DataSource's outbox to the module's. */
  async forward(limit: number): Promise<ForwardResult> {
    const result: ForwardResult = { forwarded: 0, more: false };
    for (const { name, store } of this.outboxes) {
      try {
        const events = await store.unfannedEvents(limit);
        if (events.length > 0) {
          await this.main.importEvents(events);
          await store.deleteEvents(events.map((event) => event.id));
        }
        result.forwarded += events.length;
        result.more ||= events.length >= limit;
        if (this.failing.delete(name)) {
          this.logger.log(`Forwarding events from the DataSource "${name}" works again.`, { dataSource: name });
        }
      } catch (error) {
        // One database being down must not hold up delivery of the others' events; its events wait in its outbox.
        if (!this.failing.has(name)) {
          this.failing.add(name);
          this.logger.error(
            `Cannot forward events from the DataSource "${name}"; retrying every round: ${(error as Error)?.message ?? String(error)}`,
            { dataSource: name, error: (error as Error)?.message ?? String(error) },
          );
        }
      }
    }
    return result;
  }
}
