import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';
import type { DataSource } from 'typeorm';
import { WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { notifyDeliveriesDue } from './stores/outbox-notify.statements.js';

/**
 * Tells the relay that events were committed, so it need not wait for its next poll: those of this process (after
 * each commit) and, on PostgreSQL, those of every instance (`PostgresCommitListener`). Otherwise other processes'
 * commits are found by polling. While every instance's commits arrive here (`commitsPushed`), an idle relay sleeps
 * until the outbox's next known due time instead of polling.
 */
@Injectable()
export class OutboxWakeSignal implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxWakeSignal.name);
  private readonly subject = new Subject<void>();
  private pushed = false;

  constructor(@Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Emits after each commit that wrote outbox events, and whenever `commitsPushed` changes. */
  readonly committed$: Observable<void> = this.subject.asObservable();

  /** Whether every instance's commits reach this process as they happen (a LISTEN connection is up). */
  get commitsPushed(): boolean {
    return this.pushed;
  }

  notifyCommitted(): void {
    this.subject.next();
  }

  /** Notes whether commits are pushed to this process; a change wakes the relay so it re-plans its wait. */
  setCommitsPushed(pushed: boolean): void {
    if (this.pushed === pushed) return;
    this.pushed = pushed;
    this.subject.next();
  }

  /**
   * Deliveries became due without an event commit (a retry, an endpoint enabled, claims given back): wakes this
   * relay at once and, on PostgreSQL, every other. Never throws: if the notice cannot be sent, relays find the
   * deliveries at their next look (at most `IDLE_BACKSTOP` later).
   */
  async notifyDue(): Promise<void> {
    this.subject.next();
    try {
      await notifyDeliveriesDue(this.dataSource);
    } catch (error) {
      this.logger.warn(`Could not notify other relays of due deliveries: ${(error as Error).message}`, {
        error: (error as Error).message,
      });
    }
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
