/**
 * The contenders of the peer race, each written the way its own documentation recommends and tuned alike: 64 jobs
 * in flight, batches where the library has them, a PostgreSQL pool of 10, the same signing and client per row
 * (`signedPoster`). Each enqueues `count` jobs (untimed) and starts its workers, returning how to stop them.
 */
import { Queue, Worker } from 'bullmq';
import { makeWorkerUtils, run } from 'graphile-worker';
import { Redis } from 'ioredis';
import { PgBoss } from 'pg-boss';
import type { DataSource } from 'typeorm';
import { ShopOrder } from '../../test/support/shop-order.entity.js';
import { benchApp, type BenchContext } from '../support/bench-app.js';
import { prefillDeliveries } from '../support/prefill.js';
import type { ReceiverProcess } from '../support/receiver-process.js';
import { PEER_BODY, signedPoster } from './signed-post.js';

export const IN_FLIGHT = 64;

export interface Contender {
  name: string;
  /** Whether its enqueue can be in the producer's own database transaction. */
  transactional: boolean;
  /** Puts `count` webhooks in its queue, untimed. */
  enqueue(context: BenchContext, count: number): Promise<void>;
  /** Starts its workers on the queue, sending to `receiver`; resolves to what stops them. */
  start(context: BenchContext, receiver: ReceiverProcess): Promise<() => Promise<void>>;
}

/** The test database's connection string (the contenders that take one). */
export function connectionString(context: BenchContext): string {
  const o = context.database.options as { host: string; port: number; username: string; database: string };
  return `postgres://${o.username}@${o.host}:${o.port}/${o.database}`;
}

const relay = { batchSize: IN_FLIGHT, concurrency: IN_FLIGHT, endpointConcurrency: IN_FLIGHT };
const delivery = { transport: 'node-http' as const, allowHttp: true, allowPrivateNetworks: true };
const ourEndpoints = (context: BenchContext, url: string) => [{ id: 'receiver', url, secret: context.secret }];

/** Orders saved per transaction when our backlog is made the way a user's is. */
const ORDERS_PER_TRANSACTION = 500;

/** Starts the relay on what `enqueue` left; the drain's clock starts at the receiver's first answer. */
async function startOurRelay(context: BenchContext, receiver: ReceiverProcess): Promise<() => Promise<void>> {
  const endpoints = ourEndpoints(context, `${receiver.url}/hooks`);
  const app = await benchApp(context, { endpoints, relay, delivery }, { keepTables: true });
  return async () => {
    await app.relay.settled();
    await app.close();
  };
}

/**
 * This library from where a user's webhooks start: `count` orders saved through TypeORM (500 a transaction), each
 * captured as an event in its transaction and not yet fanned out; the drain includes the fan-out.
 */
const thisLibrary: Contender = {
  name: 'this library',
  transactional: true,
  async enqueue(context, count) {
    const endpoints = ourEndpoints(context, 'http://127.0.0.1:9/unused');
    const app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery });
    const dataSource = app.dataSource as DataSource;
    for (let n = 0; n < count; n += ORDERS_PER_TRANSACTION) {
      const orders = Array.from({ length: Math.min(ORDERS_PER_TRANSACTION, count - n) }, (_, i) => ({
        customer: `peer ${n + i}`,
        total: 42,
      }));
      await dataSource.transaction((manager) => manager.save(ShopOrder, orders));
    }
    await app.close();
  },
  start: startOurRelay,
};

/**
 * A second, labelled figure: the backlog as delivery rows written by SQL (`prefillDeliveries`), already fanned out,
 * a state capture never produces; it measures the claim-and-send path alone.
 */
export const thisLibraryPrefilled: Contender = {
  name: 'this library, deliveries prefilled by SQL',
  transactional: true,
  async enqueue(context, count) {
    const endpoints = ourEndpoints(context, 'http://127.0.0.1:9/unused');
    const app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery });
    await prefillDeliveries(app.dataSource as DataSource, count, 'receiver');
    await app.close();
  },
  start: startOurRelay,
};

const graphileWorker: Contender = {
  name: 'graphile-worker 0.18',
  transactional: true,
  async enqueue(context, count) {
    const utils = await makeWorkerUtils({ connectionString: connectionString(context) });
    await utils.migrate();
    for (let n = 0; n < count; n += 1_000)
      await utils.addJobs(
        Array.from({ length: Math.min(1_000, count - n) }, (_, i) => ({
          identifier: 'webhook',
          payload: { id: `msg_gw_${n + i}`, body: PEER_BODY },
        })),
      );
    await utils.release();
  },
  async start(context, receiver) {
    const post = signedPoster(`${receiver.url}/hooks`, context.secret);
    const runner = await run({
      connectionString: connectionString(context),
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
    return () => runner.stop();
  },
};

const pgBossOptions = (context: BenchContext) => ({ connectionString: connectionString(context), max: 10 });

const pgBoss: Contender = {
  name: 'pg-boss 12',
  transactional: true,
  async enqueue(context, count) {
    const boss = new PgBoss(pgBossOptions(context));
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
    await boss.stop({ graceful: true, timeout: 10_000 });
  },
  async start(context, receiver) {
    const boss = new PgBoss(pgBossOptions(context));
    boss.on('error', () => undefined);
    await boss.start();
    await boss.createQueue('webhook');
    const post = signedPoster(`${receiver.url}/hooks`, context.secret);
    // 4 local workers fetching 16 at a time: 64 in flight, as its documentation's batch guidance suggests.
    await boss.work<{ id: string; body: string }>(
      'webhook',
      { batchSize: 16, localConcurrency: 4, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
      async (jobs) => {
        await Promise.all(jobs.map((job) => post(job.data.id, job.data.body)));
      },
    );
    return () => boss.stop({ graceful: true, timeout: 10_000 });
  },
};

/** BullMQ's recommended client: one connection per queue or worker (a worker blocks on its own). */
const redis = () => new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
export const BULL_QUEUE = 'peer-race-webhook';

const bullMq: Contender = {
  name: 'BullMQ 6 (Redis)',
  transactional: false,
  async enqueue(_context, count) {
    const queue = new Queue(BULL_QUEUE, { connection: redis() });
    for (let n = 0; n < count; n += 1_000)
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, count - n) }, (_, i) => ({
          name: 'webhook',
          data: { id: `msg_bq_${n + i}`, body: PEER_BODY },
          opts: { removeOnComplete: true },
        })),
      );
    await queue.close();
  },
  async start(context, receiver) {
    const post = signedPoster(`${receiver.url}/hooks`, context.secret);
    const worker = new Worker(BULL_QUEUE, async (job) => post(job.data.id, job.data.body), {
      connection: redis(),
      concurrency: IN_FLIGHT,
    });
    return async () => {
      await worker.close();
      const queue = new Queue(BULL_QUEUE, { connection: redis() });
      await queue.obliterate({ force: true });
      await queue.close();
    };
  },
};

export const CONTENDERS: Contender[] = [thisLibrary, graphileWorker, pgBoss, bullMq];

/**
 * A reference, not a contender: the same signing and POST loop with no queue at all (`count` ids, 64 in flight), so
 * the drain's floor (the HTTP client, the signing and the receiver, which every contender pays) is measured beside
 * what each queue adds to it.
 */
export function noQueue(): Contender {
  let pending = 0;
  return {
    name: 'no queue (reference)',
    transactional: false,
    async enqueue(_context, count) {
      pending += count;
    },
    async start(context, receiver) {
      const post = signedPoster(`${receiver.url}/hooks`, context.secret);
      let next = 0;
      const loop = async () => {
        while (pending > 0) {
          pending--;
          const id = next++;
          await post(`msg_nq_${id}`, PEER_BODY);
        }
      };
      const loops = Array.from({ length: IN_FLIGHT }, loop);
      return async () => {
        await Promise.all(loops);
      };
    },
  };
}
