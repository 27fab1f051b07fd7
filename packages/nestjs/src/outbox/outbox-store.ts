/** A delivery reserved for one worker until `lockedUntil`, with what it needs to be sent. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  /** Attempts made before this one. */
  attempts: number;
  lockedUntil: number;
  eventType: string;
  /** The exact JSON body recorded at capture time. */
  payload: string;
}

/** What happens to a delivery after an attempt. */
export type DeliveryNextState = { status: 'succeeded' } | { status: 'pending'; nextAttemptAt: number } | { status: 'dead' };

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
  next: DeliveryNextState;
  now: number;
}

/** Chooses the endpoints that receive an event type. */
export type EventRouter = (eventType: string) => readonly string[];

/**
 * The relay's reads and writes, one implementation per database family. Capture does not go through it: capture
 * writes with the caller's own transactional EntityManager.
 */
export interface OutboxStore {
  /**
   * Creates one pending delivery per subscribed endpoint for up to `limit` events not yet fanned out, and marks
   * those events fanned out, atomically. Safe to run concurrently: each event is taken by one worker, and a
   * delivery is unique per (event, endpoint). Returns how many events it handled.
   */
  fanOut(limit: number, now: number, route: EventRouter): Promise<number>;

  /** Reserves up to `limit` due deliveries for `lockToken` until `lockedUntil`; oldest due first. */
  claimDeliveries(limit: number, now: number, lockedUntil: number, lockToken: string): Promise<ClaimedDelivery[]>;

  /**
   * Stores an attempt and moves the delivery to its next state, releasing the claim. Returns false, writing
   * nothing, when the claim is no longer `lockToken`'s.
   */
  recordAttempt(record: AttemptRecord): Promise<boolean>;

  /** Gives up a claim without an attempt, so the delivery is due again at once. */
  releaseClaim(deliveryId: string, lockToken: string): Promise<void>;
}
