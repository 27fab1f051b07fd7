/**
 * Profiling aid, not a benchmark: B6's latency run at one rate, printing where in the run the slow deliveries
 * (over 25 ms) fall, per second. WARMUP=0 leaves out B6's one-second warm-up.
 * Run: KIND=postgres RATE=675 COUNT=6750 node --import @swc-node/register/esm-register bench/probes/latency-tail.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { latencyOptions, produce } from '../b6-latency.bench.js';
import { benchApp, benchContext } from '../support/bench-app.js';
import { percentile } from '../support/percentile.js';
import { ReceiverProcess } from '../support/receiver-process.js';

const kind = (process.env.KIND ?? 'postgres') as 'postgres';
const rate = Number(process.env.RATE ?? 675);
const count = Number(process.env.COUNT ?? rate * 10);
const database = await createTestDatabase(kind);
const context = benchContext(kind, database);
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
  const receiver = await ReceiverProcess.start({ arrivals: true });
  const app = await benchApp(context, latencyOptions(`${receiver.url}/hooks`, context.secret));
  const warmUp = process.env.WARMUP === '0' ? 0 : Math.round(rate);
  await produce(app, rate, warmUp);
  await receiver.until(warmUp);
  const commits = await produce(app, rate, count);
  await receiver.until(warmUp + count);
  const arrivals = await receiver.arrivals();
  const first = Math.min(...commits.values());
  const samples = [...commits].map(([id, committed]) => ({
    at: committed - first,
    latency: arrivals.get(id)! - committed,
  }));
  const sorted = samples.map((s) => s.latency).sort((a, b) => a - b);
  const slowBySecond = new Map<number, number>();
  for (const { at, latency } of samples)
    if (latency > 25) slowBySecond.set(Math.floor(at / 1000), (slowBySecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  const bySecond = new Map<number, number[]>();
  for (const { at, latency } of samples)
    bySecond.set(Math.floor(at / 1000), [...(bySecond.get(Math.floor(at / 1000)) ?? []), latency]);
  console.log(
    `  p50/p99 by second: ${[...bySecond]
      .map(([sec, list]) => {
        list.sort((a, b) => a - b);
        return `${sec}s:${percentile(list, 50).toFixed(1)}/${percentile(list, 99).toFixed(0)}`;
      })
      .join(' ')}`,
  );
  console.log(
    `p50 ${percentile(sorted, 50).toFixed(1)} p90 ${percentile(sorted, 90).toFixed(1)} p99 ${percentile(sorted, 99).toFixed(1)} max ${sorted.at(-1)!.toFixed(1)}; over 25 ms by second: ${[...slowBySecond].map(([s, n]) => `${s}s:${n}`).join(' ')}`,
  );
  await app.close();
  await receiver.stop();
}
await database.drop();
process.exit(0);
