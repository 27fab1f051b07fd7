/**
 * The relay's source of time for scheduling: claims, leases, retries, pauses and auto-disable. Replace it (the
 * `WEBHOOK_CLOCK` provider) to test schedules without waiting; durations are still measured in real time.
 */
export interface WebhookClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: WebhookClock = { now: () => Date.now() };
