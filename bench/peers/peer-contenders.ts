/**
 * The contenders of the peer race, each written the way its own documentation recommends and tuned alike: 64 jobs
 * in flight, batches where the library has them, a PostgreSQL pool of 10, the same signing and client per row
 * (`signedPoster`). Each `drain(count)` enqueues `count` jobs (untimed), then starts its workers and resolves once
 * the receiver has answered them all; the rate is taken by the receiver, first answer to last.
 */
import { Queue, Worker } from 'bullmq';
import { makeWorkerUtils, run } from 'graphile-worker';
import { Redis } from 'ioredis';
import { PgBoss } from 'pg-boss';
import type { DataSource } from 'typeorm';
import { benchApp, type BenchContext } from '../support/bench-app.js';
import { prefillDeliveries } from '../support/prefill.js';
import type { ReceiverProcess } from '../support/receiver-process.js';
import { PEER_BODY, signedPoster } from './signed-post.js';

export const IN_FLIGHT = 64;

export interface Contender {
  name: string;
  /** Whether its enqueue can be in the producer's own database transaction. */
  transactional: boolean;
  drain(context: BenchContext, receiver: ReceiverProcess, count: number): Promise<void>;
}

/** The test database's connection string (the contenders that take one). */
export function connectionString(context: BenchContext): string {
  const o = context.database.options as { host: string; port: number; username: string; database: string };
  return `postgres://${o.username}@${o.host}:${o.port}/${o.database}`;
}

const thisLibrary: Contender = {
  name: 'this library',
  transactional: true,
  async drain(context, receiver, count) {
    const endpoints = [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: context.secret }];
    const delivery = { transport: 'node-http' as const, allowHttp: true, allowPrivateNetworks: true };
    const relay = { batchSize: IN_FLIGHT, concurrency: IN_FLIGHT, endpointConcurrency: IN_FLIGHT };
    let app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery });
    await prefillDeliveries(app.dataSource as DataSource, count, 'receiver');
    await app.close();
    const before = await receiver.received();
    app = await benchApp(context, { endpoints, relay, delivery }, { keepTables: true });
    try {
      await receiver.until(before + count);
    } finally {
      await app.relay.settled();
      await app.close();
    }
  },
};

const graphileWorker: Contender = {
  name: 'graphile-worker 0.18',
  transactional: true,
  async drain(context, receiver, count) {
    const connection = connectionString(context);
    const utils = await makeWorkerUtils({ connectionString: connection });
    await utils.migrate();
    for (let n = 0; n < count; n += 1_000)
      await utils.addJobs(
        Array.from({ length: Math.min(1_000, count - n) }, (_, i) => ({
          identifier: 'webhook',
          payload: { id: `msg_gw_${n + i}`, body: PEER_BODY },
        })),
      );
    await utils.release();
    const post = signedPoster(`${receiver.url}/hooks`, context.secret);
    const before = await receiver.received();
    const runner = await run({
      connectionString: connection,
      concurrency: IN_FLIGHT,
      maxPoolSize: 10,
      noHandleSignals: true,
      // Its documentation's batching for many quick jobs: a local queue of concurrency + 1, completions batched.
      preset: { worker: { localQueue: { size: IN_FLIGHT + 1 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
      taskList: {
        webhook: async (payload) => {
          const { id, body } = payload as { id: string; body: string };
          await post(id, body);
        },
      },
    });
    try {
      await receiver.until(before + count);
    } finally {
      await runner.stop();
    }
  },
};

const pgBoss: Contender = {
  name: 'pg-boss 12',
  transactional: true,
  async drain(context, receiver, count) {
    const boss = new PgBoss({ connectionString: connectionString(context), max: 10 });
    boss.on('error', () => undefined);
    await boss.start();
    await boss.createQueue('webhook');
    for (let n = 0; n < count; n += 1_000)
      await boss.insert(
        'webhook',
        Array.from({ length: Math.min(1_000, count - n) }, (_, i) => ({
          data: { id: `msg_pb_${n + i}`, body: PEER_BODY },
        })),
      );
    const post = signedPoster(`${receiver.url}/hooks`, context.secret);
    const before = await receiver.received();
    // 4 local workers fetching 16 at a time: 64 in flight, as its documentation's batch guidance suggests.
    await boss.work<{ id: string; body: string }>(
      'webhook',
      { batchSize: 16, localConcurrency: 4, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
      async (jobs) => {
        await Promise.all(jobs.map((job) => post(job.data.id, job.data.body)));
      },
    );
    try {
      await receiver.until(before + count);
    } finally {
      await boss.stop({ graceful: true, timeout: 10_000 });
    }
  },
};

const bullMq: Contender = {
  name: 'BullMQ 6 (Redis)',
  transactional: false,
  async drain(context, receiver, count) {
    // BullMQ's recommended client, one connection each for the queue and the worker (its worker blocks on one).
    const redis = () => new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
    const name = `webhook-${Date.now()}`;
    const queue = new Queue(name, { connection: redis() });
    for (let n = 0; n < count; n += 1_000)
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, count - n) }, (_, i) => ({
          name: 'webhook',
          data: { id: `msg_bq_${n + i}`, body: PEER_BODY },
          opts: { removeOnComplete: true },
        })),
      );
    const post = signedPoster(`${receiver.url}/hooks`, context.secret);
    const before = await receiver.received();
    const worker = new Worker(name, async (job) => post(job.data.id, job.data.body), {
      connection: redis(),
      concurrency: IN_FLIGHT,
    });
    try {
      await receiver.until(before + count);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  },
};

export const CONTENDERS: Contender[] = [thisLibrary, graphileWorker, pgBoss, bullMq];
