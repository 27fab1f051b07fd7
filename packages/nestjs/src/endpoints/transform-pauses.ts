/** How many times in a row a stored transformation may be stopped before it is paused. */
export const STOPS_BEFORE_PAUSE = 3;
/** How long a paused transformation is not run, in ms: its items fail at once meanwhile. */
export const TRANSFORM_PAUSE_MS = 60_000;

/**
 * Pauses a stored transformation (by its expression) that was stopped, at the time or memory limit, on several
 * events in a row: each stop costs a worker and a wait of the time limit, which a tenant's expression that is slow on
 * every event would otherwise make every fan-out round pay, once per event. Paused, its items fail at once for
 * `TRANSFORM_PAUSE_MS`; then it is tried again, and one more stop pauses it again. One item that runs resets it.
 */
export class TransformPauses {
  private readonly stops = new Map<string, { inARow: number; pausedUntil: number }>();

  /** Until when (epoch ms) `expression` is paused, or `null` when it may run. */
  pausedUntil(expression: string, now = Date.now()): number | null {
    const entry = this.stops.get(expression);
    return entry && entry.pausedUntil > now ? entry.pausedUntil : null;
  }

  /** Records that `expression` was stopped. */
  stopped(expression: string, now = Date.now()): void {
    const entry = this.stops.get(expression) ?? { inARow: 0, pausedUntil: 0 };
    entry.inARow++;
    if (entry.inARow >= STOPS_BEFORE_PAUSE) entry.pausedUntil = now + TRANSFORM_PAUSE_MS;
    this.stops.set(expression, entry);
  }

  /** Records that `expression` ran to an answer. */
  ran(expression: string): void {
    if (this.stops.size > 0) this.stops.delete(expression);
  }
}
