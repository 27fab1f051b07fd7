/**
 * Profiling aid, not a benchmark: B7's two runs (all healthy; endpoint 0 never answering), ROUNDS times
 * interleaved, printing the healthy answers per 250 ms and what the relay did (claims and their sizes, fan-outs,
 * releases, outcome writes), then the best of each. BOOT=1 starts the relay with the application, as B7 does.
 * Run: KIND=postgres EVENTS=2000 ROUNDS=3 node --import @swc-node/register/esm-register bench/probes/failing-timeline.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { failingEndpointsSetup } from '../b7-failing-endpoints.bench.js';
import { benchApp, benchContext } from '../support/bench-app.js';
import { prefillEvents } from '../support/prefill.js';

const kind = (process.env.KIND ?? 'postgres') as 'postgres';
const events = Number(process.env.EVENTS ?? 2000);
const database = await createTestDatabase(kind);
const context = benchContext(kind, database);

const best = { healthy: 0, failing: 0 };
for (const failing of Array.from({ length: 2 * Number(process.env.ROUNDS ?? 2) }, (_, n) => n % 2 === 1)) {
  const { receiver, options } = await failingEndpointsSetup(context, failing);
  let app = await benchApp(context, { ...options, relay: { ...options.relay, enabled: false } });
  await prefillEvents(app.dataSource, events);
  await app.close();
  const boot = process.env.BOOT === '1';
  app = await benchApp(context, { ...options, relay: { ...options.relay, enabled: boot } }, { keepTables: true });
  const r = app.relay as any;
  const limits: number[] = [];
  const inflight: number[] = [];
  const batches: number[] = [];
  const stats = {
    claims: 0,
    claimed: 0,
    claimMs: 0,
    fanOuts: 0,
    fanClaimed: 0,
    fanMs: 0,
    releases: 0,
    records: 0,
    recordMs: 0,
  };
  const claim = r.store.claimDeliveries.bind(r.store);
  r.store.claimDeliveries = async (request: any) => {
    limits.push(request.limit);
    inflight.push(r.inFlight.size - r.sending);
    const t = performance.now();
    const rows = await claim(request);
    stats.claims++;
    stats.claimed += rows.length;
    stats.claimMs += performance.now() - t;
    return rows;
  };
  const fanOut = r.store.fanOut.bind(r.store);
  r.store.fanOut = async (...args: any[]) => {
    const t = performance.now();
    const res = await fanOut(...args);
    stats.fanOuts++;
    stats.fanClaimed += res.claimed.length;
    stats.fanMs += performance.now() - t;
    return res;
  };
  const release = r.store.releaseClaim.bind(r.store);
  r.store.releaseClaim = async (...args: any[]) => {
    stats.releases++;
    return release(...args);
  };
  const record = r.store.recordAttempts.bind(r.store);
  r.store.recordAttempts = async (records: any[]) => {
    const t = performance.now();
    stats.records += records.length;
    batches.push(records.length);
    try {
      return await record(records);
    } finally {
      stats.recordMs += performance.now() - t;
    }
  };
  const healthy = events * 9;
  const started = performance.now();
  if (!boot) await (app.orchestrator as any).start();
  const line: string[] = [];
  let last = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const got = await receiver.received();
    line.push(String(got - last));
    last = got;
    if (got >= healthy) break;
  }
  const rate = await receiver.rate(healthy);
  best[failing ? 'failing' : 'healthy'] = Math.max(best[failing ? 'failing' : 'healthy'], rate);
  console.log(
    `${failing ? 'failing' : 'healthy'}: ${rate.toFixed(0)}/s in ${((performance.now() - started) / 1000).toFixed(1)} s; per 250 ms: ${line.join(' ')}`,
  );
  console.log(
    `  claims ${stats.claims} (${stats.claimed} rows, ${(stats.claimMs / stats.claims).toFixed(1)} ms avg), fan-outs ${stats.fanOuts} (${stats.fanClaimed} claimed, ${(stats.fanMs / stats.fanOuts).toFixed(1)} ms avg), releases ${stats.releases}, recorded ${stats.records} (${stats.recordMs.toFixed(0)} ms)`,
  );
  const avg = (list: number[]) => (list.reduce((a, b) => a + b, 0) / list.length).toFixed(1);
  console.log(
    `  claim limit avg ${avg(limits)}, answered-not-recorded at claim avg ${avg(inflight)}, record batches ${batches.length} avg ${avg(batches)} rows, ${(stats.recordMs / batches.length).toFixed(1)} ms each`,
  );
  await app.close();
  await receiver.stop();
}
console.log(
  `best: all healthy ${best.healthy.toFixed(0)}/s, one failing ${best.failing.toFixed(0)}/s, ${(best.failing / best.healthy).toFixed(2)}×`,
);
await database.drop();
process.exit(0);
