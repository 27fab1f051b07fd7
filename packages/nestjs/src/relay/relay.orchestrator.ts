import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { Subscription } from 'rxjs';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import type { ResolvedWebhookOptions } from '../webhook-options.js';
import { WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from '../webhook.tokens.js';
import { OutboxRelay } from './outbox-relay.service.js';
import type { WebhookTransport } from './webhook-transport.js';

const MAX_ERROR_BACKOFF = 30_000;

/**
 * Runs the relay for the application's lifetime: starts it once the application has bootstrapped, dispatches
 * again as soon as a request slot frees while there is work, otherwise waits for a local commit or the poll
 * interval. On shutdown it stops claiming, gives back the claims it has not started, and lets in-flight requests
 * finish (up to `relay.shutdownTimeout`); the leases of any still running then lapse and they are retried.
 */
@Injectable()
export class RelayOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayOrchestrator.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeRequested = false;
  private interruptSleep?: () => void;
  private subscription?: Subscription;

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(WEBHOOK_TRANSPORT) private readonly transport: WebhookTransport,
    private readonly relay: OutboxRelay,
    private readonly wake: OutboxWakeSignal,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay.enabled) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
    await this.transport.close?.();
  }

  /** Whether the loop is running. */
  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.subscription = this.wake.committed$.subscribe(() => this.wakeUp());
    this.loop = this.run();
  }

  /**
   * Stops claiming, gives back claims not yet started, and waits for requests in flight (also those started by
   * hand with `OutboxRelay.dispatch()`), up to `relay.shutdownTimeout`.
   */
  async stop(): Promise<void> {
    const { shutdownTimeout } = this.options.relay;
    let stopped = true;
    if (this.running) {
      this.running = false;
      this.subscription?.unsubscribe();
      this.wakeUp();
      // The loop stops at its next await; a dispatch in progress finishes (it is a few short queries).
      stopped = await Promise.race([this.loop!.then(() => true), delay(shutdownTimeout, false, { ref: false })]);
    }
    const drained = stopped && (await this.relay.drain(shutdownTimeout));
    if (!drained) {
      this.logger.warn(`Relay still busy after ${shutdownTimeout} ms; leases of unfinished deliveries will lapse and they will be retried.`);
    }
  }

  private wakeUp(): void {
    this.wakeRequested = true;
    this.interruptSleep?.();
  }

  private async run(): Promise<void> {
    const { batchSize, pollInterval } = this.options.relay;
    let consecutiveErrors = 0;
    while (this.running) {
      this.wakeRequested = false;
      let moreWork = false;
      try {
        const round = await this.relay.dispatch();
        moreWork = round.fannedOut >= batchSize || round.claimed > 0;
        consecutiveErrors = 0;
      } catch (error) {
        // E.g. the database restarted: nothing is lost (the rows are where they were), so log and try again later.
        consecutiveErrors++;
        this.logger.error(`Relay round failed (${consecutiveErrors} in a row): ${(error as Error).message}`);
      }
      if (!this.running) break;
      if (this.relay.freeSlots === 0) {
        // Every slot is busy: claim again as soon as one frees (or on a wake-up or stop).
        await new Promise<void>((resolve) => {
          this.interruptSleep = resolve;
          void this.relay.whenSlotFrees().then(resolve);
        });
        this.interruptSleep = undefined;
        continue;
      }
      if (moreWork || (this.wakeRequested && consecutiveErrors === 0)) continue;
      const wait = consecutiveErrors > 0 ? Math.min(pollInterval * 2 ** consecutiveErrors, MAX_ERROR_BACKOFF) : pollInterval;
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.interruptSleep = () => {
        this.interruptSleep = undefined;
        done();
      };
    });
  }
}
