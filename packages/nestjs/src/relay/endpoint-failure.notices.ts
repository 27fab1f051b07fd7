/**
 * At most one "failing" warning per endpoint this often, in ms by the webhook clock: an endpoint that flaps between
 * failing and answering must not flood the log. A warning is always followed by its recovery line, so an operator
 * never reads a warning that stays unanswered while the endpoint works.
 */
export const ENDPOINT_NOTICE_INTERVAL = 5 * 60_000;

/** What the log should say about an endpoint after an attempt. */
export type EndpointNotice =
  | { kind: 'failing'; reason: string }
  | { kind: 'recovered'; failedAttempts: number; lastReason: string };

/** One endpoint's state, and what the log last said about it. */
interface EndpointWatch {
  /** The log said it is failing and has not yet said it answers again. */
  saidFailing: boolean;
  /** When the last "failing" warning was logged. */
  warnedAt: number;
  /** Failed attempts since that warning. */
  failedAttempts: number;
  lastReason: string;
  /** The endpoint's last attempt: a watch unseen for long is of an endpoint deleted while failing. */
  seenAt: number;
}

/**
 * How many endpoints are remembered before those unseen for an interval are forgotten: tenants can create and delete
 * failing endpoints without end, and a deleted one never answers again.
 */
const WATCHED_BEFORE_PRUNING = 1_000;

/**
 * Decides when an endpoint's failing and recovering are worth a log line: a warning at the first failed attempt
 * after a success (or since start), at most one per endpoint per `interval`; a recovery line at the first success
 * after each warning. So a flapping endpoint says at most two lines an interval. Only endpoints that failed
 * recently are remembered.
 */
export class EndpointFailureNotices {
  private readonly watches = new Map<string, EndpointWatch>();

  constructor(private readonly interval = ENDPOINT_NOTICE_INTERVAL) {}

  /** Notes an attempt's answer (`failure`: why it failed, or `null` for a success); returns what to log, if anything. */
  observe(endpointId: string, failure: string | null, now: number): EndpointNotice | undefined {
    if (this.watches.size > WATCHED_BEFORE_PRUNING) this.forgetUnseen(now);
    const watch = this.watches.get(endpointId);
    if (watch) watch.seenAt = now;
    if (failure === null) {
      if (!watch) return undefined;
      if (watch.saidFailing) {
        watch.saidFailing = false;
        return { kind: 'recovered', failedAttempts: watch.failedAttempts, lastReason: watch.lastReason };
      }
      // Failures held back within the interval: forgotten once no warning could be held back any more.
      if (now - watch.warnedAt >= this.interval) this.watches.delete(endpointId);
      return undefined;
    }
    if (!watch) {
      this.watches.set(endpointId, {
        saidFailing: true,
        warnedAt: now,
        failedAttempts: 1,
        lastReason: failure,
        seenAt: now,
      });
      return { kind: 'failing', reason: failure };
    }
    watch.lastReason = failure;
    watch.failedAttempts++;
    if (watch.saidFailing || now - watch.warnedAt < this.interval) return undefined;
    Object.assign(watch, { saidFailing: true, warnedAt: now, failedAttempts: 1 });
    return { kind: 'failing', reason: failure };
  }

  /** How many endpoints are remembered (for its spec). */
  get size(): number {
    return this.watches.size;
  }

  private forgetUnseen(now: number): void {
    for (const [endpointId, watch] of this.watches)
      if (now - watch.seenAt >= this.interval) this.watches.delete(endpointId);
  }
}
