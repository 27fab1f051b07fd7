/**
 * Profiling aid, not a benchmark: counts and times the relay's store calls while it delivers N prefilled deliveries
 * over HTTP to a local receiver (TRANSPORT=node-http, the default, or axios), with the real orchestrator.
 * Run: KIND=postgres N=10000 node --import @swc-node/register/esm-register bench/probes/delivery-phases.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { benchApp, benchContext } from '../support/bench-app.js';
import { ReceiverProcess } from '../support/receiver-process.js';
import { prefillDeliveries } from '../support/prefill.js';

const kind = (process.env.KIND ?? 'postgres') as 'postgres';
const count = Number(process.env.N ?? 10_000);
const database = await createTestDatabase(kind);
const context = benchContext(kind, database);
const receiver = await ReceiverProcess.start();
const endpoints = [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: context.secret }];
const delivery = {
  transport: (process.env.TRANSPORT ?? 'node-http') as 'node-http' | 'axios',
  allowHttp: true,
  allowPrivateNetworks: true,
};
const relay = { batchSize: 100, concurrency: 64, endpointConcurrency: 64 };
let app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery });
await prefillDeliveries(app.dataSource, count, 'receiver');
await app.close();
app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery }, { keepTables: true });
const r = app.relay as any;
const times = new Map<string, number[]>();
for (const [owner, name] of [
  [r.store, 'fanOut'],
  [r.store, 'claimDeliveries'],
  [r.store, 'recordAttempts'],
  [r.endpoints, 'refresh'],
  [r.store, 'noteEndpointSuccess'],
  [r.transport, 'send'],
] as const) {
  const original = owner[name].bind(owner);
  owner[name] = async (...args: unknown[]) => {
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
const claimed: number[] = [];
const originalClaim = r.store.claimDeliveries;
r.store.claimDeliveries = async (...args: unknown[]) => {
  const rows = await originalClaim(...args);
  claimed.push(rows.length);
  return rows;
};
const started = performance.now();
await (app.orchestrator as any).start();
await receiver.until(count);
await app.relay.settled();
const total = performance.now() - started;
console.log(
  `${(count / (total / 1000)).toFixed(0)} req/s; claims ${claimed.length}, avg ${(claimed.reduce((a, b) => a + b, 0) / claimed.length).toFixed(1)} per claim`,
);
for (const [name, list] of times)
  console.log(
    name.padEnd(20),
    'n',
    String(list.length).padStart(6),
    'avg',
    (list.reduce((a, b) => a + b, 0) / list.length).toFixed(2),
    'ms',
  );
await app.close();
await receiver.stop();
await database.drop();
process.exit(0);
