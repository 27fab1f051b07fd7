/**
 * B1 capture overhead: transactions per second of save() on an @EmitsWebhook entity with the module (capture only;
 * the relay is off) against the floor of any same-transaction outbox: the application without the module writing
 * the same outbox rows itself, with one hand-written multi-row INSERT per transaction (issue 22: ≥ 0.9× of it). A
 * reference row gives the same transactions without any outbox, the ceiling no outbox reaches.
 */
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ShopOrder } from '../test/support/shop-order.entity.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';

interface Shape {
  clients: number;
  perTransaction: number;
  transactions: number;
}

/** The outbox row capture writes for an order, written by hand: what any same-transaction outbox has to write. */
export type OutboxWrite = (manager: EntityManager, orders: ReadonlyArray<ShopOrder>) => Promise<void>;

/** `clients` loops, each committing its share of `transactions`, each saving `perTransaction` new orders. */
async function transactionsPerSecond(
  dataSource: DataSource,
  { clients, perTransaction, transactions }: Shape,
  outbox?: OutboxWrite,
): Promise<number> {
  const orders = (n: number) =>
    Array.from({ length: perTransaction }, (_, i) => ({ customer: `customer ${n}-${i}`, total: i }));
  const run = async (count: number) => {
    for (let n = 0; n < count; n++) {
      await dataSource.transaction(async (manager) => {
        const saved =
          perTransaction === 1
            ? [await manager.save(ShopOrder, orders(n)[0]!)]
            : await manager.save(ShopOrder, orders(n));
        await outbox?.(manager, saved);
      });
    }
  };
  await run(Math.max(5, Math.round(transactions / 20))); // warm-up: connections, prepared plans, JIT
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, () => run(Math.round(transactions / clients))));
  return transactions / ((performance.now() - started) / 1000);
}

const FLOOR_TABLE = 'b1_hand_written_outbox';

/** The table of the hand-written outbox: the columns and indexes of `webhook_event`. */
export async function createFloorTable(dataSource: DataSource): Promise<void> {
  await dataSource.query(`DROP TABLE IF EXISTS ${FLOOR_TABLE}`);
  await dataSource.query(
    `CREATE TABLE ${FLOOR_TABLE} (id varchar(64) PRIMARY KEY, type varchar(191) NOT NULL, payload text NOT NULL, occurred_at bigint NOT NULL,
       fanned_out_at bigint, source_entity varchar(191), source_id varchar(191), sequence bigint, ordering_key varchar(191), tenant varchar(191))`,
  );
  await dataSource.query(`CREATE INDEX ${FLOOR_TABLE}_pending ON ${FLOOR_TABLE} (fanned_out_at, occurred_at)`);
  await dataSource.query(
    `CREATE INDEX ${FLOOR_TABLE}_unfanned ON ${FLOOR_TABLE} (occurred_at, id) WHERE fanned_out_at IS NULL`,
  );
}

/** One multi-row INSERT of the orders' outbox rows, as an application writing its own outbox would. */
export function handWrittenOutbox(dataSource: DataSource): OutboxWrite {
  const postgres = dataSource.options.type === 'postgres';
  let next = 0;
  return async (manager, orders) => {
    const now = Date.now();
    const values = orders.flatMap((order) => [
      `msg_${now}_${next++}`,
      'order.created',
      JSON.stringify({ type: 'order.created', timestamp: new Date(now).toISOString(), sequence: 1, data: order }),
      now,
      'ShopOrder',
      String(order.id),
      1,
    ]);
    const rows = orders.map(
      (_, row) =>
        `(${Array.from({ length: 7 }, (_, column) => (postgres ? `$${row * 7 + column + 1}` : '?')).join(', ')})`,
    );
    await manager.query(
      `INSERT INTO ${FLOOR_TABLE} (id, type, payload, occurred_at, source_entity, source_id, sequence) VALUES ${rows.join(', ')}`,
      values,
    );
  };
}

/** The same transactions in an application without the module; with `floor`, writing the outbox rows by hand. */
async function withoutModule(context: BenchContext, shape: Shape, floor = false): Promise<number> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...context.database.options,
        entities: [ShopOrder],
        synchronize: true,
        retryAttempts: 0,
        ...(shape.clients > 1 && { poolSize: shape.clients }),
      } as never),
    ],
  }).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();
  try {
    const dataSource = app.get(DataSource);
    if (!floor) return await transactionsPerSecond(dataSource, shape);
    await createFloorTable(dataSource);
    return await transactionsPerSecond(dataSource, shape, handWrittenOutbox(dataSource));
  } finally {
    await app.close();
  }
}

export async function captureOverhead(context: BenchContext, scale: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  // TypeORM runs every SQLite caller on one connection: concurrent transactions would nest, so SQLite has 1 client.
  const clientCounts = context.kind === 'sqlite' ? [1] : [1, 8];
  for (const clients of clientCounts) {
    for (const perTransaction of [1, 100]) {
      const shape = {
        clients,
        perTransaction,
        transactions: Math.max(clients * 5, Math.round((perTransaction === 1 ? 2000 : 100) * scale)),
      };
      // Interleaved, five rounds: the best of each (the machine's interference only ever slows a run down; a commit's
      // flush to disk varies by ±30% from one round to the next here).
      const baselines: number[] = [];
      const floors: number[] = [];
      const captured: number[] = [];
      for (let round = 0; round < 5; round++) {
        baselines.push(await withoutModule(context, shape));
        floors.push(await withoutModule(context, shape, true));
        const app = await benchApp(context, { relay: { enabled: false } });
        try {
          captured.push(await transactionsPerSecond(app.dataSource, shape));
        } finally {
          await app.close();
        }
      }
      const floor = {
        what: 'save() and a hand-written INSERT of the same outbox rows, without the module',
        value: Math.max(...floors),
      };
      const what = `${clients} client${clients > 1 ? 's' : ''}, ${perTransaction} entit${perTransaction > 1 ? 'ies' : 'y'} per transaction`;
      const value = Math.max(...captured);
      figures.push({
        id: 'B1',
        what: `save() with capture, ${what}`,
        database: context.kind,
        value,
        unit: 'tx/s',
        baseline: floor,
        target: { text: '≥0.9×', met: value / floor.value >= 0.9 },
      });
      figures.push({
        id: 'B1',
        what: `reference: the floor against the same save() without any outbox, ${what}`,
        database: context.kind,
        value: floor.value,
        unit: 'tx/s',
        baseline: { what: 'same without the module', value: Math.max(...baselines) },
      });
    }
  }
  return figures;
}
