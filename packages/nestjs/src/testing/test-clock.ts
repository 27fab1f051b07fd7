import type { WebhookClock } from '../webhook-clock.js';

/**
 * A `WebhookClock` that stands still until a test moves it, so retries, pauses, rate windows and leases come due
 * when the test says (`advance`), never while it waits.
 *
 * @example
 * const clock = new TestWebhookClock(Date.parse('2026-01-31T12:00:00Z'));
 * clock.advance(5 * 60_000); // a retry due in 5 minutes is due now
 */
export class TestWebhookClock implements WebhookClock {
  private current: number;

  /** @param start - the time it shows, in epoch ms (default: the wall clock's time when it is made) */
  constructor(start: number | Date = Date.now()) {
    this.current = toMillis(start, 'start');
  }

  /** The time it shows, in epoch ms. */
  now(): number {
    return this.current;
  }

  /** Moves it forward by `ms` milliseconds; a clock never goes back. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) takes a finite number ≥ 0; got ${ms}.`);
    this.current += ms;
  }

  /** Sets it to `time`, which must not be earlier than the time it shows. */
  set(time: number | Date): void {
    const next = toMillis(time, 'time');
    if (next < this.current)
      throw new RangeError(
        `A test clock never goes back: ${new Date(next).toISOString()} is before ${new Date(this.current).toISOString()}.`,
      );
    this.current = next;
  }
}

function toMillis(time: number | Date, name: string): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a Date or epoch milliseconds; got ${String(time)}.`);
  return ms;
}
