/**
 * One deadline for a whole HTTP exchange: `signal` aborts after `timeout` ms unless `clear()` is called first.
 * `AbortSignal.timeout()` cannot be cleared: its timer fires for every request, long after the answer, and builds a
 * `DOMException` with a stack each time (measured: about 4% of the relay's CPU time at several thousand requests
 * per second).
 */
export class ExchangeDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly timeout: number) {
    this.timer = setTimeout(() => this.controller.abort(), timeout);
    // Like AbortSignal.timeout(): a pending deadline alone does not keep the process alive.
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the deadline passed (the exchange was aborted for it). */
  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** The exchange is over: the timer is not needed any more. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
