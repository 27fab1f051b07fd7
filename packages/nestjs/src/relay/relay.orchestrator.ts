import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Subscription } from 'rxjs';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from '../webhook.tokens.js';
import { OutboxRelay } from './outbox-relay.service.js';
import type { RelayRoundResult } from './relay-round.js';
import type { WebhookTransport } from '../options/webhook-transport.js';

/**
 * The longest wait after failed rounds, in ms: the relay retries at least this often while the database is away,
 * so delivery resumes within about a second of its return (a failed round against a database that is down is one
 * refused connection).
 */
const MAX_ERROR_BACKOFF = 1_000;
/** While rounds keep failing, the failure is logged again at most this often, in ms. */
const ERROR_LOG_INTERVAL = 30_000;
/** How long a wake-up waits for further commits while requests are in flight, in ms. */
const WAKE_COALESCING = 5;
/**
 * While commits are pushed (LISTEN on PostgreSQL), the longest an idle relay sleeps before it looks at the outbox
 * again, in ms, with one statement. Everything that makes work due is either announced (a commit, a retry, claims
 * given back) or has a due time the look reads (a retry's, a lease's lapse, a pause's end); this look is the backstop
 * for the rest (a row written by hand, a notice lost with a connection).
 */
const IDLE_BACKSTOP = 30_000;

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
  private coalescing?: NodeJS.Timeout;
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
      clearTimeout(this.coalescing);
      this.coalescing = undefined;
      this.interruptSleep?.();
      // The loop stops at its next await; a dispatch in progress finishes (it is a few short queries).
      stopped = await Promise.race([this.loop!.then(() => true), delay(shutdownTimeout, false, { ref: false })]);
    }
    const drained = stopped ? await this.relay.drain(shutdownTimeout) : { settled: false, givenBack: 0 };
    // Other instances may be asleep until their next known due time: tell them the given-back claims are theirs.
    if (drained.givenBack > 0) await this.wake.notifyDue();
    if (!drained.settled) {
      this.logger.warn(
        `Relay still busy after ${shutdownTimeout} ms; leases of unfinished deliveries will lapse and they will be retried.`,
        { shutdownTimeout },
      );
    }
  }

  private async run(): Promise<void> {
    const { pollInterval } = this.options.relay;
    let consecutiveErrors = 0;
    let loggedAt = -Infinity;
    while (this.running) {
      const committed = this.wakeRequested;
      this.wakeRequested = false;
      let round: RelayRoundResult | undefined;
      try {
        round = await this.relay.dispatch({ committed });
        if (consecutiveErrors > 0) {
          this.logger.log(`Relay rounds succeed again after ${consecutiveErrors} failed.`, { consecutiveErrors });
        }
        consecutiveErrors = 0;
      } catch (error) {
        // E.g. the database restarted: nothing is lost (the rows are where they were), so log and try again soon.
        consecutiveErrors++;
        if (consecutiveErrors === 1 || performance.now() - loggedAt >= ERROR_LOG_INTERVAL) {
          loggedAt = performance.now();
          this.logger.error(`Relay round failed (${consecutiveErrors} in a row): ${(error as Error).message}`, {
            consecutiveErrors,
            error: (error as Error).message,
          });
        }
      }
      if (!this.running) break;
      if (round?.more && this.relay.freeSlots > 0) continue;
      if (consecutiveErrors > 0) {
        await this.sleep(Math.min(pollInterval * 2 ** consecutiveErrors, MAX_ERROR_BACKOFF));
        continue;
      }
      if (this.relay.busy) {
        // Dispatch again once a quarter of the slots are free: the commits made meanwhile are fanned out and the due
        // deliveries claimed together, instead of one dispatch per finished request.
        await this.sleep(pollInterval, this.relay.whenSlotsFree());
        continue;
      }
      // Nothing in flight: the poll interval is for when the database has nothing due. A round whose claim was held
      // back by this worker's own limits (endpoints at their share, all of whose requests then finished while the
      // round ran) proves nothing of the kind, so claim again now instead of idling with deliveries due.
      if (this.wakeRequested || round?.heldBack) continue;
      await this.idle(round);
    }
  }

  /**
   * Waits while nothing is in flight. Where other instances' commits are not pushed here, for the poll interval.
   * Where they are, until the outbox's next known due time (a retry, a lease lapsing, a pause ending), looking
   * again at most every `IDLE_BACKSTOP` ms: an idle relay then costs the database one statement per backstop
   * instead of a round per poll. Work due now that the last round did not take (it never should) is polled for at
   * the poll interval, never spun on.
   */
  private async idle(round: RelayRoundResult | undefined): Promise<void> {
    const { pollInterval } = this.options.relay;
    const foundNothing = round !== undefined && round.claimed === 0 && round.fannedOut === 0 && round.forwarded === 0;
    while (this.running && !this.wakeRequested) {
      if (!this.wake.commitsPushed) {
        await this.sleep(pollInterval);
        return;
      }
      let dueIn: number | null | undefined;
      try {
        dueIn = await this.relay.nextDueIn();
      } catch {
        dueIn = undefined; // the round that follows the poll reports the database's trouble
      }
      if (dueIn === undefined) {
        await this.sleep(pollInterval);
        return;
      }
      if (this.wakeRequested || !this.running) return;
      const wait = Math.min(
        IDLE_BACKSTOP,
        dueIn === null ? IDLE_BACKSTOP : dueIn > 0 ? dueIn : foundNothing ? pollInterval : 0,
      );
      if (wait <= 0) return;
      const timedOut = await this.sleep(wait);
      // Woken (a commit, a notice, stop, or the LISTEN connection's loss), or the due time came: run a round.
      if (!timedOut || (dueIn !== null && dueIn <= wait)) return;
      // The backstop, with nothing known to be due: look again, without a round.
    }
  }

  private wakeUp(): void {
    this.wakeRequested = true;
    if (!this.relay.busy) {
      this.interruptSleep?.();
      return;
    }
    // While requests run, commits come in bursts: gather them for a moment and fan them out together (a finishing
    // request dispatches sooner still; see run()).
    this.coalescing ??= setTimeout(() => {
      this.coalescing = undefined;
      this.interruptSleep?.();
    }, WAKE_COALESCING);
  }

  /**
   * Waits `ms`, or until `orUntil` settles, a wake-up or stop, whichever comes first. Resolves true when the time
   * ran out.
   */
  private sleep(ms: number, orUntil?: Promise<void>): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(true), ms);
      function done(timedOut: boolean) {
        clearTimeout(timer);
        resolve(timedOut);
      }
      void orUntil?.then(() => done(false));
      this.interruptSleep = () => {
        this.interruptSleep = undefined;
        done(false);
      };
    });
  }
}
