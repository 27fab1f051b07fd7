import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';
import type { DataSource } from 'typeorm';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { notifyRelays } from './stores/outbox-notify.statements.js';

/**
 * The least time between two announcements of this process's commits to other relays, in ms, while this process
 * runs a relay of its own. A NOTIFY is a transaction of its own, and PostgreSQL commits transactions that notify one
 * at a time: sent in each capturing transaction it cost eight concurrent writers a third of their throughput. This
 * process's relay is woken in-process at once; the others, busy anyway under load, hear at most every 10 ms, and
 * the first commit after a quiet spell is announced at once. A process without a relay (a producer whose commits
 * only other instances deliver) announces promptly instead: one notice in flight, commits meanwhile make one more.
 */
const ANNOUNCE_INTERVAL = 10;

/**
 * Tells the relay that events were committed, so it need not wait for its next poll: those of this process (after
 * each commit) and, on PostgreSQL, those of every instance (`PostgresCommitListener`). Otherwise other processes'
 * commits are found by polling. While every instance's commits arrive here (`commitsPushed`), an idle relay sleeps
 * until the outbox's next known due time instead of polling.
 */
@Injectable()
export class OutboxWakeSignal implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxWakeSignal.name);
  private readonly subject = new Subject<void>();
  private pushed = false;
  /** The loop announcing this process's commits to other relays while there are commits to announce. */
  private announcing?: Promise<void>;
  /** Commits made since the last notice was sent: the next notice is for them. */
  private unannounced = false;
  private lastAnnounced = 0;
  /** Ends the wait for the interval now (shutdown). */
  private endWait?: () => void;
  private closing = false;

  /** `ANNOUNCE_INTERVAL` with a relay here, 0 without. */
  private readonly announceInterval: number;

  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_OPTIONS) options: ResolvedWebhookOptions,
  ) {
    this.announceInterval = options.relay.enabled ? ANNOUNCE_INTERVAL : 0;
  }

  /** Emits after each commit that wrote outbox events, and whenever `commitsPushed` changes. */
  readonly committed$: Observable<void> = this.subject.asObservable();

  /** Whether every instance's commits reach this process as they happen (a LISTEN connection is up). */
  get commitsPushed(): boolean {
    return this.pushed;
  }

  /**
   * A transaction of this process committed outbox events: wakes this relay at once and, on PostgreSQL, announces
   * the commit to every other (after it, from a connection of the pool; see `ANNOUNCE_INTERVAL`).
   */
  notifyCommitted(): void {
    this.subject.next();
    this.announce();
  }

  /** Another instance committed events (its announcement arrived): wakes this relay only. */
  wakeForPeerCommit(): void {
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
    await this.sendNotice();
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }

  /** A commit waiting for its announcement is announced now, before the DataSource closes. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.endWait?.();
    await this.announcing;
  }

  private announce(): void {
    if (this.dataSource.options.type !== 'postgres') return;
    this.unannounced = true;
    this.announcing ??= this.announceAll().finally(() => {
      this.announcing = undefined;
    });
  }

  /**
   * One notice in flight at a time, at most one per interval. A commit made while a notice waits out the interval is
   * covered by it; one made while a notice is in flight needs the next (a relay may have looked before it).
   */
  private async announceAll(): Promise<void> {
    while (this.unannounced) {
      const wait = this.lastAnnounced + this.announceInterval - Date.now();
      if (wait > 0 && !this.closing) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          timer.unref();
          this.endWait = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.endWait = undefined;
      }
      this.unannounced = false;
      this.lastAnnounced = Date.now();
      await this.sendNotice();
    }
  }

  /** `pg_notify` through the pool; a failure is a warning (relays find the work at their next look). */
  private async sendNotice(): Promise<void> {
    // Closed while a notice waited (the application shutting down): nobody here to tell.
    if (!this.dataSource.isInitialized) return;
    try {
      await notifyRelays(this.dataSource);
    } catch (error) {
      this.logger.warn(`Could not notify other relays of new work: ${(error as Error).message}`, {
        error: (error as Error).message,
      });
    }
  }
}
