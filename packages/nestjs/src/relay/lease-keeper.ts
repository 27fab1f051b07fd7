import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { WebhookClock } from '../webhook-clock.js';

/** How many recent renewals' delays the lease's stretch looks at (about 20 s of them at the default lease). */
const DELAY_WINDOW = 10;

/** How finely the event loop's delay is sampled while claims are held (and from start-up to the first claim), ms. */
const LOOP_SAMPLING = 20;

/** This worker's claims made in one round (one lock token): how many deliveries, held until when. */
interface HeldClaim {
  /** The deliveries held under it. */
  deliveryIds: Set<string>;
  until: number;
  /** Aborted when the claim is about to lapse unrenewed: requests under it stop before another worker may start. */
  abandon: AbortController;
}

/**
 * Keeps this worker's claims alive while it holds them. A claim is a short lease (`relay.leaseDuration`), renewed
 * for every delivery still queued, sending or waiting for its outcome to be written, every third of the lease, in
 * one short transaction that never waits on a row another holds. So a claim lasts as long as its worker does, however long the request takes, and a worker that
 * dies (SIGKILL, a lost machine) lets its claims lapse within one lease, when another worker takes them over.
 *
 * If renewals fail (the database is out of this worker's reach, maybe not of others'), the requests under a claim
 * that would lapse before the next renewal could save it are abandoned a third of a lease before it lapses: no
 * other worker ever sends a delivery while this one still is, with that much clock difference between hosts
 * tolerated.
 *
 * On a saturated host a live worker's renewal can come seconds late (its event loop starved of CPU, its statement
 * queued behind others' writes), and a lease that lapses then lets another worker send again what this one already
 * sent. So the lease stretches with the delay measured lately: a renewal's delay is the longest the event loop lagged
 * since the one before (sampled from start-up on, so a worker starting on a busy host claims with it) plus how long
 * its statement took; the longest of the last `DELAY_WINDOW` renewals beyond a tenth of the lease, twice over, at
 * most two more leases. A host
 * that keeps up stays at `relay.leaseDuration`; only a worker that dies on a saturated host is taken over later.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, HeldClaim>();
  private timer?: NodeJS.Timeout;
  private renewal?: Promise<void>;
  private failing = false;
  /** The latest delays measured (ms, real time: how late this worker was, whatever the webhook clock says). */
  private readonly delays: number[] = [];
  /** When the renewal timer should fire next (performance.now()), and how late it fired last. */
  private nextTickAt = 0;
  private lateness = 0;
  /**
   * The event loop's delay since the last renewal, sampled while claims are held, and from start-up on: a worker
   * that starts on a saturated host claims with a stretched lease from its first claim.
   */
  private readonly loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLING });

  constructor(
    private readonly renew: (
      claims: Array<{ deliveryId: string; lockToken: string }>,
      lockedUntil: number,
    ) => Promise<void>,
    private readonly clock: WebhookClock,
    private readonly leaseDuration: number,
    private readonly onRenewalFailed: (error: Error) => void,
  ) {
    this.loop.enable();
    // A relay that never claims (disabled, say) samples its start-up only.
    setTimeout(() => this.timer === undefined && this.loop.disable(), 3 * leaseDuration).unref();
  }

  /** Time between renewals, in ms: a third of the lease. */
  get interval(): number {
    return Math.max(1, Math.floor(this.leaseDuration / 3));
  }

  /**
   * How long a claim or renewal made now holds, in ms: `relay.leaseDuration` plus twice the longest delay measured
   * over the last renewals (and the event loop's now) beyond a tenth of the lease, at most three leases in all.
   */
  get lease(): number {
    // Delays within a tenth of the lease (a start-up's compiling, a collection) are far within the two thirds of a
    // lease a renewal may be late by: a worker that keeps up claims for exactly relay.leaseDuration.
    const delay = Math.max(this.lateness, this.loopDelay(), ...this.delays) - this.leaseDuration / 10;
    return this.leaseDuration + Math.min(2 * this.leaseDuration, Math.ceil(2 * Math.max(0, delay)));
  }

  /** Notes a delivery held under `lockToken` until `until`; its signal aborts if the claim cannot be kept. */
  hold(lockToken: string, deliveryId: string, until: number): AbortSignal {
    let claim = this.held.get(lockToken);
    if (!claim) {
      const abandon = new AbortController();
      // Every request of the claim (a whole batch) listens to this one signal while in flight: more than Node's
      // default of 10 is normal here, not a leak (each request removes its listener when it ends).
      setMaxListeners(0, abandon.signal);
      claim = { deliveryIds: new Set(), until, abandon };
      this.held.set(lockToken, claim);
    }
    claim.deliveryIds.add(deliveryId);
    if (!this.timer) {
      this.loop.enable();
      this.nextTickAt = performance.now() + this.interval;
      this.timer = setInterval(() => this.tick(), this.interval).unref();
    }
    return claim.abandon.signal;
  }

  /** The delivery is done with (recorded, released or failed). */
  release(lockToken: string, deliveryId: string): void {
    const claim = this.held.get(lockToken);
    if (!claim) return;
    claim.deliveryIds.delete(deliveryId);
    if (claim.deliveryIds.size === 0) this.held.delete(lockToken);
    if (this.held.size === 0) this.stop();
  }

  /** Whether the claim under `lockToken` still holds a third of a lease from `now`, as far as this worker knows. */
  holds(lockToken: string, now: number): boolean {
    const claim = this.held.get(lockToken);
    return claim !== undefined && !claim.abandon.signal.aborted && claim.until - now >= this.interval;
  }

  /** Renews every claim held now (one at a time: a slow renewal is not stacked on). */
  async renewNow(): Promise<void> {
    this.renewal ??= this.renewHeld().finally(() => (this.renewal = undefined));
    return this.renewal;
  }

  /** Stops renewing (shutdown, or nothing held). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.loop.disable();
  }

  /** A timer's turn: how late it fired (the event loop's delay) is part of this renewal's delay. */
  private tick(): void {
    const now = performance.now();
    this.lateness = Math.max(this.lateness, now - this.nextTickAt, this.loopDelay());
    this.loop.reset();
    this.nextTickAt = now + this.interval;
    void this.renewNow();
  }

  /** The longest event-loop delay sampled since the last renewal, in ms (0 before any sample). */
  private loopDelay(): number {
    // Each sample is the time between two of the sampling timer's turns: the sampling interval itself is no delay.
    return this.loop.count === 0 ? 0 : Math.max(0, this.loop.max / 1e6 - LOOP_SAMPLING);
  }

  private async renewHeld(): Promise<void> {
    const lockTokens = [...this.held.keys()];
    if (lockTokens.length === 0) return;
    const claims = [...this.held].flatMap(([lockToken, { deliveryIds }]) =>
      [...deliveryIds].map((deliveryId) => ({ deliveryId, lockToken })),
    );
    const until = this.clock.now() + this.lease;
    const started = performance.now();
    try {
      await this.renew(claims, until);
      // The statement's time (waiting for a lock included) delays a renewal as much as a late timer does.
      this.delays.push(this.lateness + performance.now() - started);
      if (this.delays.length > DELAY_WINDOW) this.delays.shift();
      this.lateness = 0;
      for (const lockToken of lockTokens) {
        const claim = this.held.get(lockToken);
        if (claim) claim.until = Math.max(claim.until, until);
      }
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.onRenewalFailed(error as Error);
      this.failing = true;
    }
    // A claim lapsing within two intervals cannot wait for the next renewal: if that one failed too, it would be
    // abandoned with less than an interval to spare.
    const now = this.clock.now();
    for (const { until, abandon } of this.held.values()) {
      if (until - now < 2 * this.interval && !abandon.signal.aborted) {
        abandon.abort(new Error(`the claim could not be renewed and lapses in ${Math.max(0, until - now)} ms`));
      }
    }
  }
}
