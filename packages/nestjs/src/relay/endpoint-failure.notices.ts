/**
 * At most one notice per endpoint this often, in ms by the webhook clock: an endpoint that flaps between failing and
 * answering must not flood the log. The log catches up with the endpoint's state at its first attempt after that.
 */
export const ENDPOINT_NOTICE_INTERVAL = 5 * 60_000;

/** What the log should say about an endpoint after an attempt. */
export type EndpointNotice =
  | { kind: 'failing'; reason: string }
  | { kind: 'recovered'; failedAttempts: number; lastReason: string };

/** One endpoint's state, and what the log last said about it. */
interface EndpointWatch {
  failing: boolean;
  saidFailing: boolean;
  noticedAt: number;
  /** Failed attempts since the log said it was failing. */
  failedAttempts: number;
  lastReason: string;
}

/**
 * Decides when an endpoint's failing and recovering are worth a log line: the first failed attempt after a success
 * (or since start), the first success after failures, at most one line per endpoint per `interval`. Only endpoints
 * that failed recently are remembered.
 */
export class EndpointFailureNotices {
  private readonly watches = new Map<string, EndpointWatch>();

  constructor(private readonly interval = ENDPOINT_NOTICE_INTERVAL) {}

  /** Notes an attempt's answer (`failure`: why it failed, or `null` for a success); returns what to log, if anything. */
  observe(endpointId: string, failure: string | null, now: number): EndpointNotice | undefined {
    let watch = this.watches.get(endpointId);
    if (failure === null) {
      if (!watch) return undefined;
      watch.failing = false;
    } else {
      if (!watch) {
        watch = { failing: true, saidFailing: false, noticedAt: -Infinity, failedAttempts: 0, lastReason: failure };
        this.watches.set(endpointId, watch);
      }
      watch.failing = true;
      watch.failedAttempts++;
      watch.lastReason = failure;
    }
    const quiet = now - watch.noticedAt < this.interval;
    if (watch.failing === watch.saidFailing) {
      if (!watch.failing && !quiet) this.watches.delete(endpointId);
      return undefined;
    }
    if (quiet) return undefined;
    watch.noticedAt = now;
    watch.saidFailing = watch.failing;
    if (watch.failing) {
      watch.failedAttempts = 1;
      return { kind: 'failing', reason: watch.lastReason };
    }
    const { failedAttempts, lastReason } = watch;
    watch.failedAttempts = 0;
    return { kind: 'recovered', failedAttempts, lastReason };
  }
}
