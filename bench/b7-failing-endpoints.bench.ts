/**
 * B7 failing endpoints: 10 endpoints receive every event; with one of them (10%) never answering (each attempt ends
 * at the timeout), how fast the nine healthy ones are served, against the same nine when all ten are healthy (the
 * tenth is then answered but not counted). The receiver runs in a process of its own; rates are as it sees them.
 */
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { prefillEvents } from './support/prefill.js';
import { ReceiverProcess } from './support/receiver-process.js';

const ENDPOINTS = 10;

/**
 * B7's receiver (endpoint 0 never answering, or answered and not counted) and the module's options for its ten
 * endpoints on it.
 */
export async function failingEndpointsSetup(context: BenchContext, oneFailing: boolean) {
  const receiver = await ReceiverProcess.start(oneFailing ? { hangPath: '/hooks/0' } : { uncountedPath: '/hooks/0' });
  const endpoints = Array.from({ length: ENDPOINTS }, (_, n) => ({
    id: `endpoint-${n}`,
    url: `${receiver.url}/hooks/${n}`,
    secret: context.secret,
  }));
  const options = {
    endpoints,
    relay: { batchSize: 100, concurrency: 64, endpointConcurrency: 16, pollInterval: 50 },
    delivery: { transport: 'node-http' as const, timeout: 1000, allowHttp: true, allowPrivateNetworks: true },
  };
  return { receiver, options };
}

async function healthyDeliveriesPerSecond(context: BenchContext, events: number, oneFailing: boolean): Promise<number> {
  const { receiver, options } = await failingEndpointsSetup(context, oneFailing);
  let app = await benchApp(context, { ...options, relay: { ...options.relay, enabled: false } });
  await prefillEvents(app.dataSource, events);
  await app.close();
  try {
    const healthy = events * (ENDPOINTS - 1);
    app = await benchApp(context, options, { keepTables: true });
    await receiver.until(healthy);
    // Taken before the application closes: its shutdown finishes requests that are not part of the count.
    const perSecond = await receiver.rate(healthy);
    await app.close();
    return perSecond;
  } finally {
    await receiver.stop();
  }
}

export async function failingEndpoints(context: BenchContext, events: number): Promise<Figure> {
  // Interleaved, three rounds: the best of each, as B1 (a run of a few seconds on this machine varies by ±15%,
  // which is more than the effect measured; the machine's interference only ever slows a run down).
  const allHealthyRuns: number[] = [];
  const oneFailingRuns: number[] = [];
  for (let round = 0; round < 3; round++) {
    allHealthyRuns.push(await healthyDeliveriesPerSecond(context, events, false));
    oneFailingRuns.push(await healthyDeliveriesPerSecond(context, events, true));
  }
  const allHealthy = Math.max(...allHealthyRuns);
  const value = Math.max(...oneFailingRuns);
  return {
    id: 'B7',
    what: `${ENDPOINTS} endpoints, 1 never answering (1 s timeout): deliveries/s to the 9 healthy ones, ${events.toLocaleString('en')} events, best of 3`,
    database: context.kind,
    value,
    unit: 'deliveries/s',
    baseline: { what: 'the same 9 when all 10 are healthy', value: allHealthy },
    target: { text: '≥0.9×', met: value / allHealthy >= 0.9 },
  };
}
