import { abandonedMessage } from './abandon-watch.js';

/**
 * One deadline for a whole HTTP exchange: `signal` aborts after `timeout` ms unless `clear()` is called first.
 * `AbortSignal.timeout()` cannot be cleared: its timer fires for every request, long after the answer, and builds a
 * `DOMException` with a stack each time (measured: about 4% of the relay's CPU time at several thousand requests
 * per second).
 */
export class ExchangeDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbandon?: () => void;

  /** `abandon`, if given, ends the exchange early too (the relay's claim on the delivery could not be kept). */
  constructor(
    readonly timeout: number,
    private readonly abandon?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.controller.abort(), timeout);
    // Like AbortSignal.timeout(): a pending deadline alone does not keep the process alive.
    this.timer.unref();
    if (abandon?.aborted) this.controller.abort(abandon.reason);
    else if (abandon) {
      this.onAbandon = () => this.controller.abort(abandon.reason);
      abandon.addEventListener('abort', this.onAbandon, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the deadline passed (the exchange was aborted for it). */
  get expired(): boolean {
    return this.controller.signal.aborted && !this.abandoned;
  }

  /** Whether the exchange was abandoned through the `abandon` signal. */
  get abandoned(): boolean {
    return this.abandon?.aborted === true;
  }

  /** The exchange is over: the timer is not needed any more. */
  clear(): void {
    clearTimeout(this.timer);
    if (this.onAbandon) this.abandon!.removeEventListener('abort', this.onAbandon);
  }

  /** Why the exchange ended without a response, if the deadline or the abandon signal ended it. */
  describe(): string | undefined {
    if (this.abandoned) return abandonedMessage(this.abandon!.reason);
    if (this.expired) return `timed out after ${this.timeout} ms`;
    return undefined;
  }
}
