import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import type { AttemptRecord, ClaimedDelivery, ClaimRequest, EventRouter, OutboxStore } from '../outbox/outbox-store.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookEndpoint, ResolvedWebhookOptions } from '../webhook-options.js';
import { AttemptRecordBatcher } from './attempt-record.batcher.js';
import { CapturedOutboxForwarder } from '../outbox/captured-outbox.forwarder.js';
import { OUTBOX_STORE, WEBHOOK_CLOCK, WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from '../webhook.tokens.js';
import { type AttemptDecision, decideAfterFailure } from './attempt-outcome.js';
import { DestinationPolicy } from './destination-policy.js';
import { DueClaimSchedule } from './due-claim.schedule.js';
import { LeaseKeeper } from './lease-keeper.js';
import { buildWebhookRequest, thinPayload } from './webhook-request.builder.js';
import type { WebhookTransport } from './webhook-transport.js';

type AttemptResult = Pick<AttemptRecord, 'outcome' | 'statusCode' | 'responseExcerpt' | 'error'> & { retryAfter?: string };

/** A delivery this worker has claimed, with the claim's token. */
interface Lease {
  delivery: ClaimedDelivery;
  lockToken: string;
  claimedAt: number;
  /** Gives the request slot back (once the response is in; the outcome is then recorded in the background). */
  releaseSlot?: () => void;
  /** Aborts when this worker cannot keep the claim (`LeaseKeeper`): the request must stop. */
  abandon: AbortSignal;
}

/** One round's claim: its owner token, until when it holds, and when it was made. */
type ClaimLease = Pick<ClaimRequest, 'lockToken' | 'lockedUntil' | 'now'>;

/** What one `dispatch()` did. */
export interface RelayRoundResult {
  /** Events moved from the outboxes of `captureDataSources` to the module's own. */
  forwarded: number;
  /** Events turned into deliveries. */
  fannedOut: number;
  /** Deliveries claimed (and started, or queued behind their endpoint's other requests). */
  claimed: number;
  /** A full batch was forwarded or fanned out, or the claim filled every slot it asked for: more may be due right now. */
  more: boolean;
  /**
   * The round's claim may have left due deliveries behind for this worker's own reasons (endpoints at their share
   * or with deliveries queued here), or a fan-out left some unclaimed: once slots free, claim again at once.
   */
  heldBack: boolean;
}

/** A success clears the endpoint's failing streak in the database at most this often per worker. */
const STREAK_CLEAR_INTERVAL = 60_000;

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
 * The relay's work: fan new events out to their endpoints, claim due deliveries for the free request slots, send
 * them, record the outcomes and each endpoint's health. Requests run side by side, at most
 * `relay.concurrency` in all and `relay.endpointConcurrency` per endpoint, and each slot is refilled as soon as
 * it frees, so a slow endpoint holds only its own slots. The loop that drives it lives in `RelayOrchestrator`;
 * `runOnce()` is public so tests and scripts can drive delivery by hand (with `relay.enabled: false`).
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  /** Attempts under way, from start to recorded outcome. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts holding a request slot (not yet answered). */
  private sending = 0;
  /** Endpoints whose last answer here was a failure: sent one request at a time until one succeeds. */
  private readonly failingEndpoints = new Set<string>();
  private readonly activeByEndpoint = new Map<string, number>();
  /** Claimed deliveries waiting for a slot of their endpoint. */
  private readonly queuedByEndpoint = new Map<string, Lease[]>();
  /** Settles when a quarter of the slots are free; one promise shared by every waiter. */
  private slotsFreed?: { promise: Promise<void>; resolve: () => void };
  /** A quarter of the slots came free since the last dispatch began, with nobody waiting for it yet. */
  private freedUnwatched = false;
  /** Pauses this worker has recorded, so deliveries it already holds for that endpoint are not sent meanwhile. */
  private readonly pausedUntil = new Map<string, number>();
  /** When this worker disabled an endpoint: deliveries it claimed before then must not be sent. */
  private readonly disabledAt = new Map<string, number>();
  private readonly streakClearedAt = new Map<string, number>();
  private readonly dueClaims = new DueClaimSchedule();
  /** Outcomes finishing together are stored in one write. */
  private readonly outcomes = new AttemptRecordBatcher((records) => this.store.recordAttempts(records));
  /** Renews the claims this worker holds, so they last while it does (and lapse soon after it dies). */
  private readonly leases: LeaseKeeper;

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(WEBHOOK_TRANSPORT) private readonly transport: WebhookTransport,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly endpoints: EndpointRegistry,
    private readonly destinations: DestinationPolicy,
    private readonly forwarder: CapturedOutboxForwarder,
  ) {
    this.leases = new LeaseKeeper(
      (lockTokens, lockedUntil) => this.store.renewClaims(lockTokens, lockedUntil),
      clock,
      options.relay.leaseDuration,
      (error) => this.logger.warn(`Could not renew this worker's claims (${error.message}); requests whose claim is about to lapse will be abandoned.`),
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
  }: { endpointsMaxAge?: number; dueClaimMaxAge?: number } = {}): Promise<RelayRoundResult> {
    const { batchSize, leaseDuration, endpointConcurrency } = this.options.relay;
    // Slots freed from here on are news to this round's claim: whenSlotsFree() must not wait for another.
    this.freedUnwatched = false;
    await this.endpoints.refresh(endpointsMaxAge);
    const { forwarded, more: moreToForward } = await this.forwarder.forward(batchSize);
    const free = Math.min(this.freeSlots, batchSize);
    const now = this.clock.now();
    const lease = { lockToken: newOutboxId('lease'), lockedUntil: now + leaseDuration, now };
    // Due deliveries first (retries, and those a fan-out created unclaimed), so that new events never overtake them;
    // unless a claim moments ago found them all.
    const claimDue = free > 0 && this.dueClaims.mustClaim(performance.now(), dueClaimMaxAge);
    const claimed = claimDue ? await this.claimAndStart(free, this.saturatedEndpoints(), lease) : [];
    // With every slot taken, new events wait in the outbox: fanning them out now would only create deliveries that
    // a later claim has to write again.
    if (claimed.length === free) return { forwarded, fannedOut: 0, claimed: claimed.length, more: true, heldBack: true };

    // An endpoint gets one share of the slots per round, however its deliveries are claimed.
    const route: EventRouter = ({ type, tenant }) => this.endpoints.subscribersOf(type, tenant);
    // No more events than there are slots left (an event has one delivery or more): the deliveries it cannot claim
    // would each cost a claim statement's write later, and make the next round claim before it may fan out again.
    const eventLimit = Math.min(batchSize, free - claimed.length);
    const fannedOut = await this.store.fanOut(eventLimit, now, route, {
      limit: free - claimed.length,
      perEndpoint: endpointConcurrency,
      alreadyClaimed: countByEndpoint(claimed),
      excludeEndpoints: this.saturatedEndpoints(),
      lockToken: lease.lockToken,
      lockedUntil: lease.lockedUntil,
    });
    this.startAll(fannedOut.claimed, lease);
    if (fannedOut.unclaimed > 0) this.dueClaims.invalidate();
    let total = claimed.length + fannedOut.claimed.length;
    if (fannedOut.unclaimedOrdered > 0 && total < free) {
      // Deliveries of ordered events the fan-out could not create claimed still go out this round, if their turn.
      const served = countByEndpoint([...claimed, ...fannedOut.claimed]);
      const full = [...served].filter(([, count]) => count >= endpointConcurrency).map(([endpointId]) => endpointId);
      total += (await this.claimAndStart(free - total, [...this.saturatedEndpoints(), ...full], lease)).length;
    }
    return {
      forwarded,
      fannedOut: fannedOut.events,
      claimed: total,
      more: moreToForward || fannedOut.events >= eventLimit || total === free,
      heldBack: this.dueClaims.mayHaveLeftDue,
    };
  }

  private async claimAndStart(limit: number, excludeEndpoints: string[], lease: ClaimLease): Promise<ClaimedDelivery[]> {
    const perEndpoint = this.options.relay.endpointConcurrency;
    // Real time, not the webhook clock: how stale this worker's view of the table is (a test's clock may stand still).
    const startedAt = performance.now();
    const claimed = await this.store.claimDeliveries({ limit, perEndpoint, excludeEndpoints, ...lease });
    this.dueClaims.claimed(startedAt, { limit, perEndpoint, excludedEndpoints: excludeEndpoints.length, claimed });
    this.startAll(claimed, lease);
    return claimed;
  }

  private startAll(deliveries: readonly ClaimedDelivery[], { lockToken, now }: ClaimLease): void {
    for (const delivery of deliveries) {
      this.enqueue({ delivery, lockToken, claimedAt: now, abandon: this.leases.hold(lockToken, delivery.lockedUntil) });
    }
  }

  /**
   * Request slots not in use. A slot is held from the start of an attempt until its response is in; at most as many
   * answered attempts as there are slots may wait for their outcomes to be recorded.
   */
  get freeSlots(): number {
    const { concurrency } = this.options.relay;
    // Answered attempts wait for their outcomes to be recorded; while as many wait as there are slots, new work
    // waits too. Otherwise a database slower to record than the receivers are to answer piles up claimed rows
    // that every claim has to look past (measured: SQLite's drain fell from 11k to 4k events/s at 200k).
    return Math.max(0, Math.min(concurrency - this.sending, 2 * concurrency - this.inFlight.size));
  }

  /** Whether attempts are under way (requests in flight, or outcomes being recorded). */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /**
   * Resolves at the next request or attempt that finishes after which a quarter of the request slots are free (or
   * nothing is under way). Claiming for each slot as it frees would cost a claim (and a fan-out) per delivery;
   * waiting for a few lets one claim fill them together. Waits for a change since the last dispatch began: slots
   * already free then were free to its claim too, and dispatching again at once would only spin.
   */
  whenSlotsFree(): Promise<void> {
    // Slots that freed while the last dispatch ran are a change its claim may not have seen: no need to wait.
    if (this.inFlight.size === 0 || this.freedUnwatched) {
      this.freedUnwatched = false;
      return Promise.resolve();
    }
    if (!this.slotsFreed) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      this.slotsFreed = { promise, resolve };
    }
    return this.slotsFreed.promise;
  }

  /** Resolves once nothing is in flight or queued. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * For shutdown: gives back the claims of queued deliveries at once (another worker may take them), then waits
   * up to `timeout` ms for requests in flight. Returns false if some were still running.
   */
  async drain(timeout: number): Promise<boolean> {
    const queued = [...this.queuedByEndpoint.values()].flat();
    this.queuedByEndpoint.clear();
    await Promise.all(queued.map(async (lease) => {
      await this.release(lease);
      this.leases.release(lease.lockToken);
    }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeout)));
    try {
      return await Promise.race([this.settled().then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Endpoints not to claim for: those with deliveries already waiting here for a slot. An endpoint is claimed for
   * again once its queue is empty, so this worker holds at most twice `endpointConcurrency` of its deliveries,
   * and claims them several at a time rather than one per finished request.
   */
  private saturatedEndpoints(): string[] {
    return [...this.queuedByEndpoint.keys()];
  }

  /**
   * Requests this worker may have in flight to an endpoint: `endpointConcurrency`, or one while its last answer was a
   * failure. An endpoint that times out would otherwise hold its whole share of the slots for the timeout, again
   * and again, and starve the healthy ones; one request at a time still notices when it recovers.
   */
  private endpointLimit(endpointId: string): number {
    return this.failingEndpoints.has(endpointId) ? 1 : this.options.relay.endpointConcurrency;
  }

  private enqueue(lease: Lease): void {
    const endpointId = lease.delivery.endpointId;
    if ((this.activeByEndpoint.get(endpointId) ?? 0) < this.endpointLimit(endpointId)) {
      this.start(lease);
      return;
    }
    const queue = this.queuedByEndpoint.get(endpointId) ?? [];
    queue.push(lease);
    this.queuedByEndpoint.set(endpointId, queue);
  }

  private start(lease: Lease): void {
    const endpointId = lease.delivery.endpointId;
    this.activeByEndpoint.set(endpointId, (this.activeByEndpoint.get(endpointId) ?? 0) + 1);
    this.sending++;
    let released = false;
    // The slot (and the endpoint's) is free as soon as the response is in: recording the outcome is bookkeeping,
    // batched with other outcomes, and must not keep the next request waiting.
    lease.releaseSlot = () => {
      if (released) return;
      released = true;
      this.sending--;
      const active = this.activeByEndpoint.get(endpointId)! - 1;
      if (active === 0) this.activeByEndpoint.delete(endpointId);
      else this.activeByEndpoint.set(endpointId, active);
      const queue = this.queuedByEndpoint.get(endpointId);
      while (queue?.length && (this.activeByEndpoint.get(endpointId) ?? 0) < this.endpointLimit(endpointId)) this.start(queue.shift()!);
      if (queue?.length === 0) this.queuedByEndpoint.delete(endpointId);
      this.notifySlotsFreed();
    };
    const running: Promise<void> = this.attemptSafely(lease).finally(() => {
      this.leases.release(lease.lockToken);
      lease.releaseSlot!();
      this.inFlight.delete(running);
      this.notifySlotsFreed();
    });
    this.inFlight.add(running);
  }

  private notifySlotsFreed(): void {
    if (this.freeSlots < Math.ceil(this.options.relay.concurrency / 4) && this.inFlight.size > 0) return;
    if (!this.slotsFreed) {
      // Nobody waits yet (a dispatch is running): remembered, or the loop would wait for a later one, or sleep.
      this.freedUnwatched = true;
      return;
    }
    this.slotsFreed.resolve();
    this.slotsFreed = undefined;
  }

  /** One delivery's failure (e.g. the database went away while recording) must not abandon the others mid-flight. */
  private async attemptSafely(lease: Lease): Promise<void> {
    try {
      await this.attempt(lease);
    } catch (error) {
      this.logger.error(
        `Delivery ${lease.delivery.id}: the outcome could not be recorded (${(error as Error).message}); ` +
          'it will be attempted again once its lease lapses.',
      );
    }
  }

  private async attempt(lease: Lease): Promise<void> {
    const { delivery, lockToken } = lease;
    const now = this.clock.now();
    if (
      !this.leases.holds(lockToken, now) ||
      (this.pausedUntil.get(delivery.endpointId) ?? 0) > now ||
      lease.claimedAt <= (this.disabledAt.get(delivery.endpointId) ?? -Infinity)
    ) {
      // The claim is about to lapse unrenewed (another worker may then take it), or the endpoint was paused or
      // disabled after the claim: give it back untried; the next claim sees the endpoint as it is now.
      await this.release(lease);
      return;
    }
    if (delivery.payload === null || delivery.eventType === null) {
      await this.failUntried(lease, 'event-missing', `event "${delivery.eventId}" no longer exists`);
      return;
    }
    if (delivery.endpointDisabledReason !== null) {
      await this.failUntried(lease, 'endpoint-disabled', `endpoint "${delivery.endpointId}" is disabled: ${delivery.endpointDisabledReason}`);
      return;
    }
    let endpoint = this.endpoints.get(delivery.endpointId);
    if (!endpoint) {
      // Created by another instance since this one last looked: look again before calling it deleted.
      await this.endpoints.refresh();
      endpoint = this.endpoints.get(delivery.endpointId);
    }
    if (!endpoint) {
      await this.failUntried(lease, 'endpoint-deleted', `endpoint "${delivery.endpointId}" no longer exists`);
      return;
    }

    const started = performance.now();
    const body = endpoint.payloadFormat === 'thin' ? thinPayload(delivery.payload, delivery.sourceId) : delivery.payload;
    const result = await this.send(endpoint, delivery.eventId, body, now, lease.abandon);
    if (result.outcome === 'succeeded') this.failingEndpoints.delete(endpoint.id);
    else this.failingEndpoints.add(endpoint.id);
    lease.releaseSlot?.();
    const durationMs = Math.round(performance.now() - started);
    const finishedAt = this.clock.now();
    const decision: AttemptDecision =
      result.outcome === 'succeeded'
        ? { next: { status: 'succeeded' } }
        : decideAfterFailure(
            {
              endpointId: endpoint.id,
              eventType: delivery.eventType,
              attemptInSeries: delivery.attemptsInSeries + 1,
              statusCode: result.statusCode,
              error: result.error ?? 'failed',
              ...(result.retryAfter !== undefined && { retryAfter: result.retryAfter }),
            },
            finishedAt,
            this.options,
          );
    const { retryAfter: _retryAfter, ...logged } = result;
    const recorded = await this.outcomes.record({
      deliveryId: delivery.id,
      lockToken,
      attemptNumber: delivery.attempts + 1,
      startedAt: now,
      durationMs,
      ...logged,
      next: decision.next,
      now: finishedAt,
    });
    if (!recorded) {
      // Another worker took the delivery over after our lease lapsed; its record wins and it will resend.
      this.logger.warn(`Delivery ${delivery.id}: lease lost before the outcome was recorded; the outcome is discarded.`);
      return;
    }
    if (decision.next.status === 'failed') {
      this.logger.warn(
        `Delivery ${delivery.id} of ${delivery.eventType} to ${endpoint.id} failed (${decision.next.reason}) ` +
          `after attempt ${delivery.attempts + 1}: ${result.error}`,
      );
    }
    await this.updateEndpointHealth(endpoint.id, result, decision, finishedAt);
  }

  private async updateEndpointHealth(endpointId: string, result: AttemptResult, decision: AttemptDecision, now: number): Promise<void> {
    if (result.outcome === 'succeeded') {
      if (now - (this.streakClearedAt.get(endpointId) ?? -Infinity) >= STREAK_CLEAR_INTERVAL) {
        // Noted before the write: the successes finishing together with this one must not each write it too.
        this.streakClearedAt.set(endpointId, now);
        await this.store.noteEndpointSuccess(endpointId, now);
      }
      return;
    }
    this.streakClearedAt.delete(endpointId);
    if (decision.pauseEndpointUntil !== undefined) {
      this.pausedUntil.set(endpointId, Math.max(decision.pauseEndpointUntil, this.pausedUntil.get(endpointId) ?? 0));
      await this.store.pauseEndpoint(endpointId, decision.pauseEndpointUntil, now);
    }
    if (decision.disableEndpoint !== undefined) {
      this.disabledAt.set(endpointId, now);
      if (await this.store.disableEndpoint(endpointId, decision.disableEndpoint, now)) {
        this.logger.warn(`Endpoint ${endpointId} disabled: ${decision.disableEndpoint}.`);
      }
      return;
    }
    const { disableEndpointAfter } = this.options.delivery;
    if (disableEndpointAfter > 0) {
      const reason = `no successful delivery for ${formatDuration(disableEndpointAfter)} (last error: ${result.error})`;
      if (await this.store.noteEndpointFailure(endpointId, now, now - disableEndpointAfter, reason)) {
        this.disabledAt.set(endpointId, now);
        this.logger.warn(`Endpoint ${endpointId} disabled: ${reason}.`);
      }
    }
  }

  /** One HTTP exchange, classified: 2xx succeeds; any other status, or no response at all, fails. */
  private async send(endpoint: ResolvedWebhookEndpoint, eventId: string, payload: string, now: number, abandon: AbortSignal): Promise<AttemptResult> {
    const { timeout, responseExcerptBytes } = this.options.delivery;
    try {
      // Checked again at send time: a transport other than ours may not check, and the rules may have changed.
      this.destinations.checkUrl(endpoint.url);
      if (endpoint.secretError !== undefined) throw new Error(endpoint.secretError);
      const request = buildWebhookRequest(endpoint, eventId, payload, now, { timeout, responseExcerptBytes });
      const response = await this.transport.send({ ...request, signal: abandon });
      const ok = response.status >= 200 && response.status < 300;
      return {
        outcome: ok ? 'succeeded' : 'failed',
        statusCode: response.status,
        responseExcerpt: response.bodyExcerpt,
        error: ok ? null : `HTTP ${response.status}`,
        ...(response.retryAfter !== undefined && { retryAfter: response.retryAfter }),
      };
    } catch (error) {
      return { outcome: 'failed', statusCode: null, responseExcerpt: null, error: (error as Error).message };
    }
  }

  private async failUntried(lease: Lease, reason: 'endpoint-disabled' | 'endpoint-deleted' | 'event-missing', error: string): Promise<void> {
    if (await this.store.failWithoutAttempt(lease.delivery.id, lease.lockToken, reason, error, this.clock.now())) {
      this.logger.warn(`Delivery ${lease.delivery.id} of ${lease.delivery.eventType} failed without an attempt: ${error}.`);
    }
  }

  private release(lease: Lease): Promise<void> {
    this.dueClaims.invalidate();
    return this.store.releaseClaim(lease.delivery.id, lease.lockToken);
  }
}

function countByEndpoint(deliveries: readonly ClaimedDelivery[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { endpointId } of deliveries) counts.set(endpointId, (counts.get(endpointId) ?? 0) + 1);
  return counts;
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  if (hours >= 1) return `${Math.round(hours)} h`;
  return `${Math.round(ms / 60_000)} min`;
}
