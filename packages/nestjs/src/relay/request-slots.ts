/** Anything waiting for a request slot: a claimed delivery of some endpoint. */
export interface SlotTenant {
  delivery: { endpointId: string };
}

/**
 * The relay's request slots: at most `concurrency` requests in flight in all and the endpoint's limit per endpoint,
 * deliveries waiting per endpoint for a slot of their own, and a slot refilled from its endpoint's queue the moment
 * its response is in (recording the outcome is bookkeeping and must not keep the next request waiting).
 */
export class RequestSlots<T extends SlotTenant> {
  /** Attempts under way, from start to recorded outcome. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts holding a request slot (not yet answered). */
  private sending = 0;
  private readonly activeByEndpoint = new Map<string, number>();
  /** Claimed deliveries waiting for a slot of their endpoint. */
  private readonly queuedByEndpoint = new Map<string, T[]>();
  /** Settles when a quarter of the slots are free; one promise shared by every waiter. */
  private slotsFreed?: { promise: Promise<void>; resolve: () => void };
  /** A quarter of the slots came free since the last round began, with nobody waiting for it yet. */
  private freedUnwatched = false;

  /**
   * @param run runs one attempt; it calls `releaseSlot` once its response is in, and settles once its outcome is
   *   recorded.
   */
  constructor(
    private readonly concurrency: number,
    private readonly limitFor: (endpointId: string) => number,
    private readonly run: (tenant: T, releaseSlot: () => void) => Promise<void>,
  ) {}

  /**
   * Request slots not in use. A slot is held from the start of an attempt until its response is in; at most as many
   * answered attempts as there are slots may wait for their outcomes to be recorded.
   */
  get free(): number {
    // Answered attempts wait for their outcomes to be recorded; while as many wait as there are slots, new work
    // waits too. Otherwise a database slower to record than the receivers are to answer piles up claimed rows
    // that every claim has to look past (measured: SQLite's drain fell from 11k to 4k events/s at 200k).
    return Math.max(0, Math.min(this.concurrency - this.sending, 2 * this.concurrency - this.inFlight.size));
  }

  /** Whether attempts are under way (requests in flight, or outcomes being recorded). */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** A round begins: slots freed from now on are news to its claim. */
  roundStarted(): void {
    this.freedUnwatched = false;
  }

  /**
   * Resolves at the next request or attempt that finishes after which a quarter of the request slots are free (or
   * nothing is under way). Claiming for each slot as it frees would cost a claim (and a fan-out) per delivery;
   * waiting for a few lets one claim fill them together. Waits for a change since the last round began: slots
   * already free then were free to its claim too, and dispatching again at once would only spin.
   */
  whenFree(): Promise<void> {
    // Slots that freed while the last round ran are a change its claim may not have seen: no need to wait.
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

  /**
   * Endpoints not to claim for: those with deliveries already waiting here for a slot. An endpoint is claimed for
   * again once its queue is empty, so this worker holds at most twice its limit of its deliveries, and claims them
   * several at a time rather than one per finished request.
   */
  saturatedEndpoints(): string[] {
    return [...this.queuedByEndpoint.keys()];
  }

  /** Starts `tenant` if its endpoint has a slot, or queues it for the endpoint's next free one. */
  enqueue(tenant: T): void {
    const endpointId = tenant.delivery.endpointId;
    if ((this.activeByEndpoint.get(endpointId) ?? 0) < this.limitFor(endpointId)) {
      this.start(tenant);
      return;
    }
    const queue = this.queuedByEndpoint.get(endpointId) ?? [];
    queue.push(tenant);
    this.queuedByEndpoint.set(endpointId, queue);
  }

  /** Removes and returns every queued tenant (for shutdown: their claims are given back). */
  takeQueued(): T[] {
    const queued = [...this.queuedByEndpoint.values()].flat();
    this.queuedByEndpoint.clear();
    return queued;
  }

  /** Resolves once nothing is in flight or queued. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private start(tenant: T): void {
    const endpointId = tenant.delivery.endpointId;
    this.activeByEndpoint.set(endpointId, (this.activeByEndpoint.get(endpointId) ?? 0) + 1);
    this.sending++;
    let released = false;
    const releaseSlot = () => {
      if (released) return;
      released = true;
      this.sending--;
      const active = this.activeByEndpoint.get(endpointId)! - 1;
      if (active === 0) this.activeByEndpoint.delete(endpointId);
      else this.activeByEndpoint.set(endpointId, active);
      const queue = this.queuedByEndpoint.get(endpointId);
      while (queue?.length && (this.activeByEndpoint.get(endpointId) ?? 0) < this.limitFor(endpointId))
        this.start(queue.shift()!);
      if (queue?.length === 0) this.queuedByEndpoint.delete(endpointId);
      this.notify();
    };
    const running: Promise<void> = this.run(tenant, releaseSlot).finally(() => {
      releaseSlot();
      this.inFlight.delete(running);
      this.notify();
    });
    this.inFlight.add(running);
  }

  private notify(): void {
    if (this.free < Math.ceil(this.concurrency / 4) && this.inFlight.size > 0) return;
    if (!this.slotsFreed) {
      // Nobody waits yet (a round is running): remembered, or the loop would wait for a later one, or sleep.
      this.freedUnwatched = true;
      return;
    }
    this.slotsFreed.resolve();
    this.slotsFreed = undefined;
  }
}
