import { Worker } from 'node:worker_threads';
import { TRANSFORM_WORKER_SOURCE } from './transform-worker.source.js';

/** What a transformation worker may use. */
export interface TransformWorkerLimits {
  /** How long one transformation may run, in ms, before its worker is stopped. */
  timeLimitMs: number;
  /** The worker's heap (V8's old generation), in MB: a transformation that needs more stops the worker. */
  maxOldGenerationSizeMb: number;
  /** The most characters a transformation's result may serialise to. */
  maxResultChars: number;
}

/** A batch of transformations: each item names an expression and a payload by their index (each sent once). */
export interface TransformBatch {
  expressions: string[];
  payloads: string[];
  items: Array<[expression: number, payload: number]>;
}

/** What the worker answered for one item: the result as JSON (`null` for nothing), or why it failed. */
export type WorkerItemResult = { json: string | null } | { error: string };

/**
 * How a batch ended: every item answered, or the worker stopped during item `at` (stopped at the time limit, out of
 * memory, or crashed; `at` is -1 when no item had started) and is gone.
 */
export type WorkerBatchOutcome =
  | { kind: 'done'; results: WorkerItemResult[] }
  | { kind: 'stopped'; at: number; error: string };

/**
 * One worker thread that runs batches of stored transformations, one batch at a time, under a watchdog: the worker
 * writes the index of the item it runs (and when it began) to shared memory, and a timer on this thread stops the
 * worker when one item has run for `timeLimitMs`. A stopped worker is not used again.
 */
export class TransformWorker {
  private readonly worker: Worker;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));
  private readonly startedAt = new Float64Array(new SharedArrayBuffer(8));
  private current?: { resolve: (outcome: WorkerBatchOutcome) => void; timer?: NodeJS.Timeout };
  private stoppedWith?: string;

  constructor(
    jmespath: string,
    private readonly limits: TransformWorkerLimits,
  ) {
    this.worker = new Worker(TRANSFORM_WORKER_SOURCE, {
      eval: true,
      workerData: {
        jmespath,
        progress: this.progress.buffer,
        startedAt: this.startedAt.buffer,
        maxResultBytes: limits.maxResultChars,
      },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb, stackSizeMb: 4 },
    });
    // An idle worker never keeps the process alive; a running batch does, through its watchdog timer.
    this.worker.unref();
    this.worker.on('message', (results: WorkerItemResult[]) => this.finish({ kind: 'done', results }));
    this.worker.on('error', (error: Error & { code?: string }) =>
      this.stop(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (at most ${limits.maxOldGenerationSizeMb} MB) and was stopped`
          : `stopped its worker: ${error.message}`,
      ),
    );
    this.worker.on('exit', () => this.stop('stopped its worker, which exited'));
  }

  /** Whether the worker can take another batch (it was never stopped). */
  get usable(): boolean {
    return this.stoppedWith === undefined;
  }

  /** Runs a batch; resolves when every item is answered or the worker stops. One batch at a time. */
  run(batch: TransformBatch): Promise<WorkerBatchOutcome> {
    if (this.current) throw new Error('TransformWorker runs one batch at a time.');
    if (this.stoppedWith !== undefined) return Promise.resolve({ kind: 'stopped', at: -1, error: this.stoppedWith });
    Atomics.store(this.progress, 0, -1);
    return new Promise((resolve) => {
      this.current = { resolve };
      this.worker.postMessage(batch);
      this.watch(this.limits.timeLimitMs);
    });
  }

  /** Stops the worker; a batch under way resolves as stopped. */
  async terminate(): Promise<void> {
    this.stop('stopped: the application is shutting down');
    await this.worker.terminate();
  }

  private watch(delay: number): void {
    const current = this.current;
    if (!current) return;
    current.timer = setTimeout(() => {
      const at = Atomics.load(this.progress, 0);
      // Until the worker has begun an item (it may still be starting), nothing is timed.
      if (at < 0) return this.watch(this.limits.timeLimitMs);
      const elapsed = Date.now() - this.startedAt[0]!;
      if (elapsed < this.limits.timeLimitMs) return this.watch(this.limits.timeLimitMs - elapsed);
      this.stop(`took longer than ${this.limits.timeLimitMs} ms and was stopped`);
    }, delay);
  }

  /** Ends the batch under way as stopped at the item running now, and the worker with it. */
  private stop(error: string): void {
    if (this.stoppedWith === undefined) {
      this.stoppedWith = error;
      void this.worker.terminate();
    }
    this.finish({ kind: 'stopped', at: Atomics.load(this.progress, 0), error });
  }

  private finish(outcome: WorkerBatchOutcome): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    clearTimeout(current.timer);
    current.resolve(outcome);
  }
}
