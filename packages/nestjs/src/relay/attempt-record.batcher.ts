import type { AttemptRecord } from '../outbox/outbox-store.js';

/** At most this many outcomes per write (a statement's parameters stay well within every driver's limits). */
const MAX_BATCH = 500;

interface Waiting {
  record: AttemptRecord;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups the outcomes of attempts that finish together into one write (group commit). The first outcome waits only
 * for the current turn of the event loop, so the others finishing in the same turn join it; outcomes arriving while
 * a write runs go into the next one. Recording one outcome at a time costs a transaction per delivery, which is
 * what bounded the relay's throughput.
 */
export class AttemptRecordBatcher {
  private queue: Waiting[] = [];
  private running?: Promise<void>;

  constructor(private readonly write: (records: readonly AttemptRecord[]) => Promise<boolean[]>) {}

  /** Resolves once the outcome is stored (true) or refused because the claim is no longer its own (false). */
  record(record: AttemptRecord): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return;
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.running = undefined;
        if (this.queue.length > 0) this.schedule();
      });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const stored = await this.write(batch.map((waiting) => waiting.record));
        for (const [index, waiting] of batch.entries()) waiting.resolve(stored[index] === true);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
  }
}
