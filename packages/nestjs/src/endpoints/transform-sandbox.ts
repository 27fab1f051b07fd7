import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { jmespathModuleLocation } from './jmespath-module.location.js';
import { STOPS_BEFORE_PAUSE, TransformPauses } from './transform-pauses.js';
import { type TransformBatch, TransformWorker, type TransformWorkerLimits } from './transform-worker.js';
import { MAX_TRANSFORMED_BODY, TRANSFORM_TIME_LIMIT_MS } from './webhook-transform.js';

/** One stored transformation to run on one event. */
export interface SandboxItem {
  /** The JMESPath expression, as stored. */
  expression: string;
  /** The event's body as stored (JSON). */
  payload: string;
  /** The endpoint whose transformation it is, named in the warning when it is stopped. */
  endpointId: string;
}

/** What a stored transformation gave: its result as JSON (`null` for nothing), or why it failed. */
export type SandboxResult = { json: string | null } | { error: string };

/** The sandbox's settings; every one has a default. */
export interface TransformSandboxSettings extends TransformWorkerLimits {
  /** Worker threads at most (started as batches need them). */
  workers: number;
  /** JMESPath's CommonJS build, for the workers to load. Resolved from the package (then the app folder) by default. */
  jmespath?: string;
}

/**
 * The defaults: 50 ms per transformation, a 64 MB heap per worker, results of at most 512 KiB of JSON (twice the
 * largest body a transformation may give, for headers and escaping), one worker.
 */
export const TRANSFORM_SANDBOX_DEFAULTS: TransformSandboxSettings = {
  workers: 1,
  timeLimitMs: TRANSFORM_TIME_LIMIT_MS,
  maxOldGenerationSizeMb: 64,
  maxResultChars: 2 * MAX_TRANSFORMED_BODY,
};

/**
 * Runs the stored (tenant-written) transformations in worker threads, where one that runs too long or allocates too
 * much can be stopped without holding the event loop: a transformation that reaches the time limit, or the heap
 * limit, has its worker terminated, fails alone (`{ error }`, which fails its delivery as `transform-failed`), and the
 * other items of its batch run again on a new worker. A batch is one message each way. A transformation stopped on
 * several events in a row is paused a while (`TransformPauses`), so that one tenant's slow expression cannot make
 * every round wait for it once per event. No worker is started until a stored transformation has to run, and the
 * workers are terminated when the application shuts down.
 */
export class TransformSandbox implements OnApplicationShutdown {
  private readonly logger = new Logger(TransformSandbox.name);
  private readonly settings: TransformSandboxSettings;
  private readonly idle: TransformWorker[] = [];
  private readonly running = new Set<TransformWorker>();
  private readonly waiting: Array<(worker: TransformWorker) => void> = [];
  private readonly pauses = new TransformPauses();
  private jmespath?: string;
  private closed = false;

  constructor(settings: Partial<TransformSandboxSettings> = {}) {
    this.settings = { ...TRANSFORM_SANDBOX_DEFAULTS, ...settings };
  }

  /** Worker threads alive now (idle or running a batch). */
  get workers(): number {
    return this.idle.length + this.running.size;
  }

  /** Runs every item; never rejects: what an item did wrong is its own `{ error }`. */
  async run(items: readonly SandboxItem[]): Promise<SandboxResult[]> {
    const results: SandboxResult[] = new Array(items.length);
    let remaining = items.map((_, index) => index);
    while (remaining.length > 0) {
      if (this.closed) {
        for (const index of remaining) results[index] = { error: 'was not run: the application is shutting down' };
        break;
      }
      remaining = remaining.filter((index) => {
        const until = this.pauses.pausedUntil(items[index]!.expression);
        if (until !== null)
          results[index] = {
            error: `was not run: it was stopped on ${STOPS_BEFORE_PAUSE} events in a row, and is paused until ${new Date(until).toISOString()}`,
          };
        return until === null;
      });
      if (remaining.length === 0) break;
      const worker = await this.acquire();
      const outcome = await worker.run(batchOf(items, remaining));
      this.release(worker);
      if (outcome.kind === 'done') {
        outcome.results.forEach((result, position) => {
          results[remaining[position]!] = result;
          this.pauses.ran(items[remaining[position]!]!.expression);
        });
        break;
      }
      if (outcome.at < 0 || outcome.at >= remaining.length) {
        // The worker died before any item ran (it could not start): every item would meet the same fate.
        for (const index of remaining) results[index] = { error: outcome.error };
        if (!this.closed) this.logger.warn(`A transformation worker stopped before running anything: ${outcome.error}`);
        break;
      }
      const culprit = remaining[outcome.at]!;
      results[culprit] = { error: outcome.error };
      this.pauses.stopped(items[culprit]!.expression);
      if (!this.closed)
        this.logger.warn(
          `The transformation of endpoint ${items[culprit]!.endpointId} ${outcome.error}; its delivery fails as transform-failed, the worker is restarted.`,
        );
      remaining = remaining.filter((index) => index !== culprit);
    }
    return results;
  }

  /** Terminates every worker; batches under way end, their items failed. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle.splice(0), ...this.running];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private async acquire(): Promise<TransformWorker> {
    let worker = this.idle.pop();
    if (!worker && this.running.size >= this.settings.workers)
      worker = await new Promise<TransformWorker>((resolve) => this.waiting.push(resolve));
    worker ??= this.newWorker();
    this.running.add(worker);
    return worker;
  }

  /** Hands the worker on to the next batch waiting (a new one if it was stopped), or keeps it idle. */
  private release(worker: TransformWorker): void {
    this.running.delete(worker);
    const next = this.waiting.shift();
    if (next) {
      // Once closed, the stopped worker answers the waiting batch at once, its items failed.
      const handed = worker.usable || this.closed ? worker : this.newWorker();
      this.running.add(handed);
      next(handed);
    } else if (worker.usable && !this.closed) this.idle.push(worker);
  }

  private newWorker(): TransformWorker {
    this.jmespath ??= this.settings.jmespath ?? jmespathModuleLocation();
    return new TransformWorker(this.jmespath, this.settings);
  }
}

/** The items at `indexes` as one message, each expression and payload sent once. */
function batchOf(items: readonly SandboxItem[], indexes: readonly number[]): TransformBatch {
  const expressions = new Map<string, number>();
  const payloads = new Map<string, number>();
  const indexOf = (map: Map<string, number>, value: string) => {
    const known = map.get(value);
    if (known !== undefined) return known;
    map.set(value, map.size);
    return map.size - 1;
  };
  const batch = indexes.map((index): [number, number] => {
    const { expression, payload } = items[index]!;
    return [indexOf(expressions, expression), indexOf(payloads, payload)];
  });
  return { expressions: [...expressions.keys()], payloads: [...payloads.keys()], items: batch };
}
