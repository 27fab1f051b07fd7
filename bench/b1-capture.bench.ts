/**
 * B1 capture overhead: transactions per second of save() on an @EmitsWebhook entity with the module (capture only;
 * the relay is off) against the same entity in an application without the module, on the same database.
 */
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ShopOrder } from '../test/support/shop-order.entity.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';

interface Shape {
  clients: number;
  perTransaction: number;
  transactions: number;
}

/** `clients` loops, each committing its share of `transactions`, each saving `perTransaction` new orders. */
async function transactionsPerSecond(dataSource: DataSource, { clients, perTransaction, transactions }: Shape): Promise<number> {
  const orders = (n: number) => Array.from({ length: perTransaction }, (_, i) => ({ customer: `customer ${n}-${i}`, total: i }));
  const run = async (count: number) => {
    for (let n = 0; n < count; n++) {
      await dataSource.transaction(async (manager) => {
        if (perTransaction === 1) await manager.save(ShopOrder, orders(n)[0]!);
        else await manager.save(ShopOrder, orders(n));
      });
    }
  };
  await run(Math.max(5, Math.round(transactions / 20))); // warm-up: connections, prepared plans, JIT
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, () => run(Math.round(transactions / clients))));
  return transactions / ((performance.now() - started) / 1000);
}

async function withoutModule(context: BenchContext, shape: Shape): Promise<number> {
  const moduleRef = await Test.createTestingModule({
    imports: [TypeOrmModule.forRoot({ ...context.database.options, entities: [ShopOrder], synchronize: true, retryAttempts: 0, ...(shape.clients > 1 && { poolSize: shape.clients }) } as never)],
  }).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();
  try {
    return await transactionsPerSecond(app.get(DataSource), shape);
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
      const shape = { clients, perTransaction, transactions: Math.max(clients * 5, Math.round((perTransaction === 1 ? 2000 : 100) * scale)) };
      // Interleaved: baseline, module, baseline, module; the better of each pair (less noise from the machine).
      const baselines: number[] = [];
      const captured: number[] = [];
      for (let round = 0; round < 2; round++) {
        baselines.push(await withoutModule(context, shape));
        const app = await benchApp(context, { relay: { enabled: false } });
        try {
          captured.push(await transactionsPerSecond(app.dataSource, shape));
        } finally {
          await app.close();
        }
      }
      const value = Math.max(...captured);
      const baseline = Math.max(...baselines);
      const target = perTransaction === 1 ? 0.85 : 0.9;
      figures.push({
        id: 'B1',
        what: `save() with capture, ${clients} client${clients > 1 ? 's' : ''}, ${perTransaction} entit${perTransaction > 1 ? 'ies' : 'y'} per transaction`,
        database: context.kind,
        value,
        unit: 'tx/s',
        baseline: { what: 'same without the module', value: baseline },
        target: { text: `≥${target}×`, met: value / baseline >= target },
      });
    }
  }
  return figures;
}
