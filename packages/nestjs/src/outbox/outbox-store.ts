import type { WebhookFailureReason } from './entities/webhook-delivery.entity.js';

/** A delivery reserved for one worker until `lockedUntil`, with what it needs to be sent. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  /** Attempts made before this one, in total (attempt rows are numbered from it). */
  attempts: number;
  /** Attempts made before this one in the current retry series (what the retry budget counts). */
  attemptsInSeries: number;
  lockedUntil: number;
  /** `null`, like `payload`, when the event row is gone: the delivery is then failed as `event-missing`. */
  eventType: string | null;
  /** The exact JSON body recorded at capture time. */
  payload: string | null;
  /** The primary key of the entity the event is about (a string; JSON for a composite key), for thin payloads. */
  sourceId: string | null;
  /** When the event was captured (epoch ms); `null` when the event row is gone. */
  occurredAt: number | null;
  /** The W3C trace context captured with the event (`traceparent`, and `tracestate` after a space), if any. */
  traceContext: string | null;
  /** Why the endpoint is disabled, if it is: the delivery is then failed without an attempt. */
  endpointDisabledReason: string | null;
  /** Whether the endpoint's transformation made this delivery's body or request (`payload` is then its body). */
  transformed: boolean;
  /** What the transformation changed of the request, or why it failed (`error`: failed without an attempt). */
  requestChanges: DeliveryRequestChanges | null;
}

/** The request changes a transformed delivery carries: method and headers, or why its transformation failed. */
export interface DeliveryRequestChanges {
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  error?: string;
}

/** What to claim. */
export interface ClaimRequest {
  /** At most this many deliveries in all. */
  limit: number;
  /** At most this many deliveries of one endpoint. */
  perEndpoint: number;
  /** Endpoints to leave alone (this worker is already at its concurrency for them). */
  excludeEndpoints: readonly string[];
  now: number;
  lockedUntil: number;
  lockToken: string;
}

/**
 * What a fan-out may claim of the deliveries it creates, for the worker's free request slots: those are sent
 * straight away, without a claim statement that would write each new row a second time.
 */
export interface FanOutClaim {
  /** At most this many deliveries in all. */
  limit: number;
  /** At most this many deliveries of one endpoint, counting `alreadyClaimed`. */
  perEndpoint: number;
  /** Deliveries per endpoint the worker claimed this round before the fan-out. */
  alreadyClaimed: ReadonlyMap<string, number>;
  /** Endpoints to leave unclaimed (the worker is at its limit for them). */
  excludeEndpoints: readonly string[];
  lockedUntil: number;
  lockToken: string;
}

/** What one fan-out did. */
export interface FanOutResult {
  /** Events turned into deliveries. */
  events: number;
  /** Deliveries created already claimed for `FanOutClaim.lockToken`, ready to send. */
  claimed: ClaimedDelivery[];
  /** Deliveries created unclaimed: due now, for a claim to take. */
  unclaimed: number;
  /**
   * Of those, the deliveries of ordered events: only the claim statement can tell whether the row's earlier events
   * are done. (Other unclaimed ones are beyond what the worker can take this round.)
   */
  unclaimedOrdered: number;
}

/** What happens to a delivery after an attempt. */
export type DeliveryNextState =
  | { status: 'succeeded' }
  | { status: 'pending'; nextAttemptAt: number }
  | { status: 'failed'; reason: WebhookFailureReason };

/** The outcome of one attempt, recorded together with the delivery's next state. */
export interface AttemptRecord {
  deliveryId: string;
  /** The claim's owner token; the record is refused if the claim has passed to another worker. */
  lockToken: string;
  attemptNumber: number;
  startedAt: number;
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  /** The request as sent, as `webhook_attempt.request` stores it (JSON, secrets elided); `null` if none was built. */
  request: string | null;
  next: DeliveryNextState;
  now: number;
}

/** An event as it moves from one outbox to another (the columns of `webhook_event` but `fanned_out_at`). */
export interface OutboxEventRow {
  id: string;
  type: string;
  payload: string;
  occurredAt: number;
  sourceEntity: string | null;
  sourceId: string | null;
  sequence: number | null;
  orderingKey: string | null;
  tenant: string | null;
  /** The W3C trace context captured with the event, if any. */
  traceContext?: string | null;
}

/**
 * Chooses the endpoints that receive an event (by its type and tenant, and its body for endpoints with a filter);
 * each delivery records the endpoint's tenant, and what the endpoint's transformation made of the event (`payload`,
 * `request`: see `WebhookDeliveryEntity`).
 */
export type EventRouter = (event: {
  type: string;
  tenant: string | null;
  payload: string;
}) => ReadonlyArray<{ id: string; tenant: string | null; payload?: string | null; request?: string | null }>;

/**
 * The relay's reads and writes, one implementation per database family. Capture does not go through it: capture
 * writes with the caller's own transactional EntityManager (`insertEvents`, the one insert of events, which the
 * stores use too).
 */
export interface OutboxStore {
  /**
   * Creates one pending delivery per subscribed endpoint for up to `limit` events not yet fanned out, and marks
   * those events fanned out, atomically. Safe to run concurrently: each event is taken by one worker, and a
   * delivery is unique per (event, endpoint). With `claim`, deliveries the worker can send at once are created
   * claimed for it and returned, ready to send. `likelyWaiting` says the caller expects events (a commit woke it, or
   * its last fan-out took a full batch): a store may then take at once instead of looking first, at the cost of an
   * empty transaction when none wait.
   */
  fanOut(
    limit: number,
    now: number,
    route: EventRouter,
    claim?: FanOutClaim,
    likelyWaiting?: boolean,
  ): Promise<FanOutResult>;

  /** Up to `limit` events not fanned out yet, oldest first: those a captured DataSource's outbox holds for forwarding. */
  unfannedEvents(limit: number): Promise<OutboxEventRow[]>;

  /** Adds events forwarded from another outbox, skipping any already here (a forward repeated after a crash). */
  importEvents(events: readonly OutboxEventRow[]): Promise<void>;

  /** Deletes events by id (those forwarded to the main outbox). */
  deleteEvents(ids: readonly string[]): Promise<void>;

  /**
   * Reserves due deliveries for `lockToken` until `lockedUntil`, oldest due first, skipping paused endpoints and
   * rows another worker holds (`FOR UPDATE SKIP LOCKED` on the servers, the single writer on SQLite).
   */
  claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]>;

  /**
   * Stores attempts and moves each delivery to its next state, releasing its claim, all at once (the relay groups
   * the outcomes that finish together). Returns, per record in order, whether it was stored: a record whose claim is
   * no longer its `lockToken`'s writes nothing.
   */
  recordAttempts(records: readonly AttemptRecord[]): Promise<boolean[]>;

  /** Fails a claimed delivery without an attempt (its endpoint is disabled or gone); fenced like `recordAttempts`. */
  failWithoutAttempt(
    deliveryId: string,
    lockToken: string,
    reason: WebhookFailureReason,
    error: string,
    now: number,
  ): Promise<boolean>;

  /**
   * Takes up to `wanted` sends from a rate-limited endpoint's window starting at `window` (epoch ms), `limit` per
   * window, shared by every instance on the database; returns how many it got (0 when the window is spent).
   */
  takeSends(endpointId: string, window: number, limit: number, wanted: number, now: number): Promise<number>;

  /** Gives a claim back untried, due again at `dueAt` (the next window of a rate-limited endpoint). */
  postponeClaim(deliveryId: string, lockToken: string, dueAt: number): Promise<void>;

  /** Gives up a claim without an attempt, so the delivery is due again at once. */
  releaseClaim(deliveryId: string, lockToken: string): Promise<void>;

  /**
   * Extends to `lockedUntil` the claims this worker holds (each delivery still pending under its claim's token), so
   * they outlive the lease they were claimed with while the worker is alive. Never waits on a row another
   * transaction holds: that row is skipped this time.
   */
  renewClaims(claims: ReadonlyArray<{ deliveryId: string; lockToken: string }>, lockedUntil: number): Promise<void>;

  /** Holds every worker off `endpointId` until `until` (never shortens a longer pause). */
  pauseEndpoint(endpointId: string, until: number, now: number): Promise<void>;

  /** A success ends the endpoint's failing streak. */
  noteEndpointSuccess(endpointId: string, now: number): Promise<void>;

  /**
   * A failure starts the endpoint's failing streak if none is running, and disables the endpoint with `reason`
   * if the streak began at or before `disableIfFailingSince`. Returns true when this call disabled it.
   */
  noteEndpointFailure(endpointId: string, now: number, disableIfFailingSince: number, reason: string): Promise<boolean>;

  /** Disables an endpoint now (no-op if it already is). Returns true when this call disabled it. */
  disableEndpoint(endpointId: string, reason: string, now: number): Promise<boolean>;

  /** Re-enables an endpoint and clears its pause and failing streak. */
  enableEndpoint(endpointId: string, now: number): Promise<void>;
}
