/**
 * Profiling aid, not a benchmark: times each store call of the relay over a 20k-event drain (null transport).
 * BACKLOG events are prefilled and DRAIN of them delivered (20k each by default); ORCH=1 drives the relay with its
 * production loop instead of runOnce(). Run: KIND=postgres CONC=100 node --import @swc-node/register/esm-register bench/probes/relay-phases.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { benchApp, benchContext } from '../support/bench-app.js';
import { NullTransport } from '../support/null-transport.js';
import { prefillEvents } from '../support/prefill.js';

const kind = (process.env.KIND ?? 'postgres') as 'postgres';
const database = await createTestDatabase(kind);
const context = benchContext(kind, database);
const transport = new NullTransport();
const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: context.secret }];
const relay = {
  batchSize: 100,
  concurrency: Number(process.env.CONC ?? 100),
  endpointConcurrency: Number(process.env.CONC ?? 100),
  enabled: false,
};
const app = await benchApp(context, { endpoints, relay, delivery: { transport } });
const backlog = Number(process.env.BACKLOG ?? 20000);
await prefillEvents(app.dataSource, backlog);
const r: any = app.relay;
const times = new Map<string, number[]>();
for (const [owner, name] of [
  [r.store, 'fanOut'],
  [r.store, 'claimDeliveries'],
  [r.store, 'recordAttempts'],
  [r.endpoints, 'refresh'],
  [r.forwarder, 'forward'],
  [r.store, 'noteEndpointSuccess'],
] as const) {
  const original = (owner as any)[name].bind(owner);
  (owner as any)[name] = async (...args: unknown[]) => {
    const t = performance.now();
    try {
      return await original(...args);
    } finally {
      const list = times.get(name) ?? [];
      list.push(performance.now() - t);
      times.set(name, list);
    }
  };
}
const started = performance.now();
let rounds = 0;
const drain = Number(process.env.DRAIN ?? 20000);
if (process.env.ORCH) {
  // The production loop (RelayOrchestrator) instead of runOnce() rounds; rounds are then counted by dispatch().
  const dispatch = r.dispatch.bind(r);
  r.dispatch = (...args: unknown[]) => {
    rounds++;
    return dispatch(...args);
  };
  await (app.orchestrator as any).start();
  await transport.until(drain);
  await r.settled();
} else {
  while (transport.sent < drain) {
    await r.runOnce();
    rounds++;
  }
}
const total = performance.now() - started;
console.log(`rounds ${rounds}, ${(drain / (total / 1000)).toFixed(0)} /s, per round ${(total / rounds).toFixed(2)} ms`);
for (const [name, list] of times)
  console.log(
    name.padEnd(20),
    'n',
    list.length,
    'avg',
    (list.reduce((a, b) => a + b, 0) / list.length).toFixed(2),
    'ms',
  );
await app.close();
await database.drop();
process.exit(0);
