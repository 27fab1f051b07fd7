/**
 * Profiling aid, not a benchmark: transactions saving PER orders each, with capture, for a CPU profile
 * (node --cpu-prof ...). Run: KIND=postgres PER=100 [CLIENTS=8] [BASELINE=1 [FLOOR=1]] node --import @swc-node/register/esm-register bench/probes/capture.probe.ts
 */
import 'reflect-metadata';
import { ShopOrder } from '../../test/support/shop-order.entity.js';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { benchApp, benchContext } from '../support/bench-app.js';
import { createFloorTable, handWrittenOutbox } from '../b1-capture.bench.js';

const kind = (process.env.KIND ?? 'postgres') as 'postgres';
const per = Number(process.env.PER ?? 100);
const database = await createTestDatabase(kind);
// BASELINE=1: the same entity in an application without the module; with FLOOR=1, writing the outbox rows by hand.
async function plainApp() {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...database.options,
        entities: [ShopOrder],
        synchronize: true,
        retryAttempts: 0,
      } as never),
    ],
  }).compile();
  const nest = await moduleRef.createNestApplication({ logger: false }).init();
  const dataSource = nest.get(DataSource);
  if (process.env.FLOOR) await createFloorTable(dataSource);
  return { dataSource, close: () => nest.close() };
}
const app = process.env.BASELINE
  ? await plainApp()
  : await benchApp(benchContext(kind, database), { relay: { enabled: false } });
const orders = (n: number) => Array.from({ length: per }, (_, i) => ({ customer: `customer ${n}-${i}`, total: i }));
const count = Number(process.env.COUNT ?? 300);
const clients = Number(process.env.CLIENTS ?? 1);
const floor = process.env.FLOOR ? handWrittenOutbox(app.dataSource) : undefined;
const save = (n: number) =>
  app.dataSource.transaction(async (manager) => {
    const saved = per === 1 ? [await manager.save(ShopOrder, orders(n)[0]!)] : await manager.save(ShopOrder, orders(n));
    await floor?.(manager, saved);
  });
for (let n = 0; n < 30; n++) await save(n);
const started = performance.now();
const cpu = process.cpuUsage();
await Promise.all(
  Array.from({ length: clients }, async () => {
    for (let n = 0; n < count / clients; n++) await save(n);
  }),
);
const { user, system } = process.cpuUsage(cpu);
// Node's own CPU per transaction is steadier than the rate on a shared machine: it is what capture adds in JS.
console.log(
  `${(count / ((performance.now() - started) / 1000)).toFixed(0)} tx/s, Node CPU ${((user + system) / 1000 / count).toFixed(3)} ms/tx`,
);
await app.close();
await database.drop();
process.exit(0);
