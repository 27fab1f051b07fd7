/**
 * Profiling aid, not a benchmark: transactions saving PER orders each, with capture, for a CPU profile
 * (node --cpu-prof ...). Run: KIND=postgres PER=100 node --import @swc-node/register/esm-register bench/probes/capture.probe.ts
 */
import 'reflect-metadata';
import { ShopOrder } from '../../test/support/shop-order.entity.js';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { benchApp, benchContext } from '../support/bench-app.js';

const kind = (process.env.KIND ?? 'postgres') as 'postgres';
const per = Number(process.env.PER ?? 100);
const database = await createTestDatabase(kind);
const app = await benchApp(benchContext(kind, database), { relay: { enabled: false } });
const orders = (n: number) => Array.from({ length: per }, (_, i) => ({ customer: `customer ${n}-${i}`, total: i }));
const started = performance.now();
const count = Number(process.env.COUNT ?? 300);
for (let n = 0; n < count; n++) await app.dataSource.transaction(async (manager) => { await manager.save(ShopOrder, orders(n)); });
console.log(`${(count / ((performance.now() - started) / 1000)).toFixed(0)} tx/s`);
await app.close();
await database.drop();
process.exit(0);
