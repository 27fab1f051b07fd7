import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import { CapturedOutboxForwarder } from '../outbox/captured-outbox.forwarder.js';
import { OutboxDueTimes } from '../outbox/outbox-due-times.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import type { ClaimedDelivery, ClaimRequest, FanOutResult, OutboxStore } from '../outbox/outbox-store.js';
import { TransformSandbox } from '../endpoints/transform-sandbox.js';
import { NOTHING_FANNED_OUT } from '../outbox/fan-out.plan.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { OUTBOX_STORE, WEBHOOK_CLOCK, WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from '../webhook.tokens.js';
import { DeliveryAttempts, type Lease } from './delivery-attempt.js';
import { DestinationPolicy } from '../endpoints/destination-policy.js';
import { DueClaimSchedule } from './due-claim.schedule.js';
import { EndpointHealth } from './endpoint-health.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RequestSlots } from './request-slots.js';
import type { WebhookTransport } from '../options/webhook-transport.js';
import { WebhookDeliveryEvents } from '../telemetry/webhook-delivery.events.js';
import { RelayMetrics } from './relay-metrics.js';
import { RateLimitGate } from './rate-limit.gate.js';
import { FanOutRoutes, TransformsNotReadyError } from './fan-out-routes.js';
import { countByEndpoint, type RelayRoundResult } from './relay-round.js';

/** One round's claim: its owner token, until when it holds, and when it was made. */
type ClaimLease = Pick<ClaimRequest, 'lockToken' | 'lockedUntil' | 'now'>;

/**
 * How stale the list of stored endpoints may be when a round fans out, in ms: endpoints written by another instance
 * are seen within this (this instance's own writes at once). `runOnce()` always looks.
 */
const ENDPOINTS_MAX_AGE = 250;

/**
 * How long a claim that found every due delivery stands for, in ms: rounds within it fan out without claiming first
 * (`DueClaimSchedule`), so retries and other workers' leftovers may wait this long. `runOnce()` always claims.
 */
const DUE_CLAIM_MAX_AGE = 100;

/**
 * The relay's round: fan new events out to their endpoints and claim due deliveries for the free request slots,
 * then start them. Requests run side by side in `RequestSlots` (at most `relay.concurrency` in all and
 * `relay.endpointConcurrency` per endpoint, each slot refilled as soon as it frees, so a slow endpoint holds only
 * its own slots); each is one `DeliveryAttempts` run (send, record, endpoint health in `EndpointHealth`); the claims
 * are kept alive by `LeaseKeeper`. The loop that drives rounds lives in `RelayOrchestrator`; `runOnce()` is public
 * so tests and scripts can drive delivery by hand (with `relay.enabled: false`).
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly dueClaims = new DueClaimSchedule();
  /** Renews the claims this worker holds, so they last while it does (and lapse soon after it dies). */
  private readonly leases: LeaseKeeper;
  private readonly attempts: DeliveryAttempts;
  private readonly slots: RequestSlots<Lease>;
  private readonly rateLimits: RateLimitGate;
  private readonly routes: FanOutRoutes;
  /** The last fan-out took as many events as it could: more likely wait. */
  private lastFanOutFull = false;

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(WEBHOOK_TRANSPORT) transport: WebhookTransport,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly endpoints: EndpointRegistry,
    destinations: DestinationPolicy,
    private readonly forwarder: CapturedOutboxForwarder,
    private readonly dueTimes: OutboxDueTimes,
    private readonly events: WebhookDeliveryEvents,
    metrics: RelayMetrics,
    sandbox: TransformSandbox,
  ) {
    this.routes = new FanOutRoutes(store, endpoints, sandbox);
    this.leases = new LeaseKeeper(
      (claims, lockedUntil) => this.store.renewClaims(claims, lockedUntil),
      clock,
      options.relay.leaseDuration,
      (error) =>
        this.logger.warn(
          `Could not renew this worker's claims (${error.message}); requests whose claim is about to lapse will be abandoned.`,
        ),
    );
    const health = new EndpointHealth(store, options, this.logger, events);
    this.attempts = new DeliveryAttempts({
      options,
      store,
      transport,
      clock,
      endpoints,
      destinations,
      health,
      leases: this.leases,
      logger: this.logger,
      events,
      metrics,
      onReleased: () => this.dueClaims.invalidate(),
    });
    this.rateLimits = new RateLimitGate(store, endpoints, clock);
    this.slots = new RequestSlots<Lease>(
      options.relay.concurrency,
      (endpointId) => health.limitFor(endpointId),
      async (lease, releaseSlot) => {
        lease.releaseSlot = releaseSlot;
        try {
          await this.attempts.run(lease);
        } finally {
          this.leases.release(lease.lockToken, lease.delivery.id);
        }
      },
    );
  }

  /** Dispatches once and waits until every delivery it claimed has been attempted and recorded. */
  async runOnce(): Promise<RelayRoundResult> {
    const round = await this.dispatch({ endpointsMaxAge: 0, dueClaimMaxAge: 0 });
    await this.settled();
    return round;
  }

  /**
   * Forwards the events of other captured DataSources, claims due deliveries for the free slots, then fans out new
   * events, creating claimed the deliveries that fill the slots still free; starts them all without waiting.
   */
  async dispatch({
    endpointsMaxAge = ENDPOINTS_MAX_AGE,
    dueClaimMaxAge = DUE_CLAIM_MAX_AGE,
    committed = false,
  }: {
    endpointsMaxAge?: number;
    dueClaimMaxAge?: number;
    /** A commit woke the relay: events likely wait (see `OutboxStore.fanOut`). */
    committed?: boolean;
  } = {}): Promise<RelayRoundResult> {
    const { batchSize, endpointConcurrency } = this.options.relay;
    // Slots freed from here on are news to this round's claim: whenSlotsFree() must not wait for another.
    this.slots.roundStarted();
    await this.endpoints.refresh(endpointsMaxAge);
    const { forwarded, more: moreToForward } = await this.forwarder.forward(batchSize);
    const free = Math.min(this.freeSlots, batchSize);
    const now = this.clock.now();
    // The lease stretched by the delays this worker measured lately (LeaseKeeper): a saturated host's claims last longer.
    const lease = { lockToken: newOutboxId('lease'), lockedUntil: now + this.leases.lease, now };
    // Due deliveries first (retries, and those a fan-out created unclaimed), so that new events never overtake them;
    // unless a claim moments ago found them all.
    const claimDue = free > 0 && this.dueClaims.mustClaim(performance.now(), dueClaimMaxAge);
    // An idle relay woken by a commit sends the new events first and claims after: the claim is off the commit's
    // path to its receiver, and with every slot free nothing due can be crowded out (a round that fills them all
    // leaves the claim due, and the next round, busy, claims first).
    const claimAfter = claimDue && committed && !this.slots.busy;
    const claimed =
      claimDue && !claimAfter ? await this.claimAndStart(free, this.excludedEndpoints(lease.now), lease) : [];
    // With every slot taken, new events wait in the outbox: fanning them out now would only create deliveries that
    // a later claim has to write again.
    if (claimed.length === free)
      return { forwarded, fannedOut: 0, claimed: claimed.length, more: true, heldBack: true };

    // No more events than there are slots left (an event has one delivery or more): the deliveries it cannot claim
    // would each cost a claim statement's write later, and make the next round claim before it may fan out again.
    const eventLimit = Math.min(batchSize, free - claimed.length);
    // Looked at again after the claim, which can take long on a busy host: an instance registering an endpoint waits
    // REGISTRATION_SETTLE_MS for every relay to see it, and the events committed after that must be routed to it.
    await this.endpoints.refresh(endpointsMaxAge);
    // Stored transformations run before the fan-out's transaction, in the sandbox (see FanOutRoutes).
    const routing = await this.routes.prepare(eventLimit);
    let fannedOut: FanOutResult = NOTHING_FANNED_OUT;
    let transformsLate = false;
    try {
      // An endpoint gets one share of the slots per round, however its deliveries are claimed.
      if (routing.limit > 0)
        fannedOut = await this.store.fanOut(
          routing.limit,
          now,
          routing.route,
          {
            limit: free - claimed.length,
            perEndpoint: endpointConcurrency,
            alreadyClaimed: countByEndpoint(claimed),
            excludeEndpoints: this.excludedEndpoints(lease.now),
            lockToken: lease.lockToken,
            lockedUntil: lease.lockedUntil,
          },
          committed || this.lastFanOutFull,
        );
    } catch (error) {
      if (!(error instanceof TransformsNotReadyError)) throw error;
      transformsLate = true;
    }
    if (fannedOut.events > 0 && this.events.wants('events.fanned-out')) {
      const deliveries = fannedOut.claimed.length + fannedOut.unclaimed;
      this.events.publish({ kind: 'events.fanned-out', events: fannedOut.events, deliveries, at: this.clock.now() });
    }
    await this.startAll(fannedOut.claimed, lease);
    this.lastFanOutFull = routing.limit > 0 && fannedOut.events >= routing.limit;
    // A full batch: more events wait. Their stored transformations run while this round's requests go out.
    if (fannedOut.events >= eventLimit) this.routes.lookAhead(batchSize);
    if (fannedOut.unclaimed > 0) this.dueClaims.invalidate();
    let total = claimed.length + fannedOut.claimed.length;
    if ((claimAfter || fannedOut.unclaimedOrdered > 0) && total < free) {
      // The claim an idle round put after its fan-out, and the deliveries of ordered events the fan-out could not
      // create claimed: they still go out this round, if their turn.
      const served = countByEndpoint([...claimed, ...fannedOut.claimed]);
      const full = [...served].filter(([, count]) => count >= endpointConcurrency).map(([endpointId]) => endpointId);
      total += (await this.claimAndStart(free - total, [...this.excludedEndpoints(lease.now), ...full], lease)).length;
    }
    return {
      forwarded,
      fannedOut: fannedOut.events,
      claimed: total,
      more: moreToForward || transformsLate || fannedOut.events >= eventLimit || total === free,
      heldBack: this.dueClaims.mayHaveLeftDue,
    };
  }

  private async claimAndStart(
    limit: number,
    excludeEndpoints: string[],
    lease: ClaimLease,
  ): Promise<ClaimedDelivery[]> {
    const perEndpoint = this.options.relay.endpointConcurrency;
    // Real time, not the webhook clock: how stale this worker's view of the table is (a test's clock may stand still).
    const startedAt = performance.now();
    const claimed = await this.store.claimDeliveries({ limit, perEndpoint, excludeEndpoints, ...lease });
    this.dueClaims.claimed(startedAt, { limit, perEndpoint, excludedEndpoints: excludeEndpoints.length, claimed });
    await this.startAll(claimed, lease);
    return claimed;
  }

  /** Endpoints a claim leaves out: those at their share of this worker's slots, and those whose rate window is spent. */
  private excludedEndpoints(now: number): string[] {
    return [...this.slots.saturatedEndpoints(), ...this.rateLimits.spentEndpoints(now)];
  }

  private async startAll(claimed: readonly ClaimedDelivery[], { lockToken, now }: ClaimLease): Promise<void> {
    const deliveries = await this.rateLimits.admit(claimed, lockToken);
    for (const delivery of deliveries) {
      this.slots.enqueue({
        delivery,
        lockToken,
        claimedAt: now,
        abandon: this.leases.hold(lockToken, delivery.id, delivery.lockedUntil),
      });
    }
  }

  /**
   * How long until the outbox next has work that no commit announces (see `OutboxDueTimes`), in ms (0 when it has
   * some now), or `null` when nothing is known to come due. `undefined` when this relay must poll whatever the
   * answer: it forwards other DataSources' outboxes, whose commits wake no one.
   */
  async nextDueIn(): Promise<number | null | undefined> {
    if (this.forwarder.forwardsAny) return undefined;
    const now = this.clock.now();
    const dueAt = await this.dueTimes.nextDueAt(now);
    return dueAt === null ? null : Math.max(0, dueAt - now);
  }

  /** Request slots not in use (see `RequestSlots.free`). */
  get freeSlots(): number {
    return this.slots.free;
  }

  /** Whether attempts are under way (requests in flight, or outcomes being recorded). */
  get busy(): boolean {
    return this.slots.busy;
  }

  /** Resolves once a quarter of the slots are free, or nothing is under way (see `RequestSlots.whenFree`). */
  whenSlotsFree(): Promise<void> {
    return this.slots.whenFree();
  }

  /** Resolves once nothing is in flight or queued. */
  settled(): Promise<void> {
    return this.slots.settled();
  }

  /**
   * For shutdown: gives back the claims of queued deliveries at once (another worker may take them), then waits
   * up to `timeout` ms for requests in flight. Returns how many claims it gave back, and false in `settled` if some
   * requests were still running.
   */
  async drain(timeout: number): Promise<{ settled: boolean; givenBack: number }> {
    const queued = this.slots.takeQueued();
    await Promise.all(
      queued.map(async (lease) => {
        await this.attempts.release(lease);
        this.leases.release(lease.lockToken, lease.delivery.id);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeout)));
    try {
      return { settled: await Promise.race([this.settled().then(() => true), timedOut]), givenBack: queued.length };
    } finally {
      clearTimeout(timer);
    }
  }
}
