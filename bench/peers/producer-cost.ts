import { Queue } from 'bullmq';
import { makeWorkerUtils } from 'graphile-worker';
import { Redis } from 'ioredis';
import { PgBoss } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { AuditNote, ShopOrder } from '../../test/support/shop-order.entity.js';
import { benchApp, type BenchContext } from '../support/bench-app.js';
import { BULL_QUEUE, connectionString } from './peer-contenders.js';
import { peerBody } from './signed-post.js';

/**
 * One producer transaction of a contender: a row written and its webhook enqueued, or the row alone (the floor).
 * Resolves to the `data.id` its webhook's body carries.
 */
type Produce = (manager: EntityManager, n: number, withWebhook: boolean) => Promise<number>;

/** What each contender does in the producer's transaction; BullMQ enqueues after the commit (it cannot inside). */
export interface ProducerContender {
  name: string;
  setUp(
    context: BenchContext,
  ): Promise<{ produce: Produce; afterCommit?: (n: number) => Promise<void>; close(): Promise<void> }>;
}

const insertRow = (manager: EntityManager, n: number) =>
  manager.getRepository(AuditNote).insert({ text: `order ${n}` });

export const PRODUCERS: ProducerContender[] = [
  {
    // Capture: the save of an @EmitsWebhook entity writes its event in the same transaction; the floor saves an
    // entity without @EmitsWebhook of the same shape, by the same TypeORM call.
    name: 'this library',
    async setUp() {
      return {
        produce: async (manager, n, withWebhook) => {
          if (!withWebhook) return insertRow(manager, n).then(() => n);
          const { identifiers } = await manager.getRepository(ShopOrder).insert({ customer: `C${n}`, total: n });
          return Number(identifiers[0]!.id);
        },
        close: async () => undefined,
      };
    },
  },
  {
    name: 'graphile-worker 0.18',
    async setUp(context) {
      const utils = await makeWorkerUtils({ connectionString: connectionString(context) });
      await utils.migrate();
      await utils.release();
      return {
        produce: async (manager, n, withWebhook) => {
          await insertRow(manager, n);
          // Its documented way to enqueue in the application's own transaction: the add_job function, same client.
          if (withWebhook)
            await manager.query('SELECT graphile_worker.add_job($1, $2::json)', [
              'webhook',
              JSON.stringify({ id: `msg_${n}`, body: peerBody(n) }),
            ]);
          return n;
        },
        close: async () => undefined,
      };
    },
  },
  {
    name: 'pg-boss 12',
    async setUp(context) {
      const boss = new PgBoss({ connectionString: connectionString(context), max: 2 });
      boss.on('error', () => undefined);
      await boss.start();
      await boss.createQueue('webhook');
      return {
        produce: async (manager, n, withWebhook) => {
          await insertRow(manager, n);
          // Its documented transactional send: the `db` option runs its SQL on the caller's connection.
          if (withWebhook)
            await boss.send(
              'webhook',
              { id: `msg_${n}`, body: peerBody(n) },
              { db: { executeSql: async (text, values) => ({ rows: await manager.query(text, values) }) } },
            );
          return n;
        },
        close: () => boss.stop({ graceful: false, timeout: 5_000 }),
      };
    },
  },
  {
    name: 'BullMQ 6 (after commit, not transactional)',
    async setUp() {
      // The queue the race's BullMQ workers take from (the latency scenario runs them; the producer scenario does not).
      const queue = new Queue(BULL_QUEUE, {
        connection: new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }),
      });
      return {
        produce: async (manager, n) => {
          await insertRow(manager, n);
          return n;
        },
        afterCommit: async (n) => {
          await queue.add('webhook', { id: `msg_${n}`, body: peerBody(n) }, { removeOnComplete: true });
        },
        close: async () => {
          await queue.obliterate({ force: true });
          await queue.close();
        },
      };
    },
  },
];

/**
 * Producer transactions per second over `ms` with `clients` running back to back, each a row (and its webhook,
 * when `withWebhook`) in one transaction, through the application's own TypeORM DataSource (pool of 10).
 */
export async function producerRate(
  contender: ProducerContender,
  context: BenchContext,
  clients: number,
  withWebhook: boolean,
  ms: number,
): Promise<number> {
  const endpoints = [{ id: 'receiver', url: 'http://127.0.0.1:9/unused', secret: context.secret }];
  const app = await benchApp(context, { endpoints, relay: { enabled: false } }, { keepTables: true });
  const { produce, afterCommit, close } = await contender.setUp(context);
  let done = 0;
  let next = 0;
  const until = performance.now() + ms;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          const n = next++;
          await app.dataSource.transaction((manager) => produce(manager, n, withWebhook));
          if (withWebhook) await afterCommit?.(n);
          done++;
        }
      }),
    );
    return done / (ms / 1000);
  } finally {
    await close();
    await app.close();
  }
}
