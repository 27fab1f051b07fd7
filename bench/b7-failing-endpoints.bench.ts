/**
 * B7 failing endpoints: 10 endpoints receive every event; with one of them (10%) never answering (each attempt ends
 * at the timeout), how fast the nine healthy ones are served, against the same nine when all ten are healthy. The
 * receiver runs in a process of its own; rates are as it sees them.
 */
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { prefillEvents } from './support/prefill.js';
import { ReceiverProcess } from './support/receiver-process.js';

const ENDPOINTS = 10;

async function healthyDeliveriesPerSecond(context: BenchContext, events: number, oneFailing: boolean): Promise<number> {
  const receiver = await ReceiverProcess.start(oneFailing ? { hangPath: '/hooks/0' } : {});
  const endpoints = Array.from({ length: ENDPOINTS }, (_, n) => ({ id: `endpoint-${n}`, url: `${receiver.url}/hooks/${n}`, secret: context.secret }));
  const options = {
    endpoints,
    relay: { batchSize: 100, concurrency: 64, endpointConcurrency: 16, pollInterval: 50 },
    delivery: { transport: 'node-http' as const, timeout: 1000, allowHttp: true, allowPrivateNetworks: true },
  };
  let app = await benchApp(context, { ...options, relay: { ...options.relay, enabled: false } });
  await prefillEvents(app.dataSource, events);
  await app.close();
  try {
    const healthy = events * (ENDPOINTS - 1);
    app = await benchApp(context, options, { keepTables: true });
    // The healthy nine's share: all ten are counted when none fails, so wait for the same number of answers.
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
  const allHealthy = await healthyDeliveriesPerSecond(context, events, false);
  const value = await healthyDeliveriesPerSecond(context, events, true);
  return {
    id: 'B7',
    what: `${ENDPOINTS} endpoints, 1 never answering (1 s timeout): deliveries/s to the healthy ones, ${events.toLocaleString('en')} events`,
    database: context.kind,
    value,
    unit: 'deliveries/s',
    baseline: { what: 'all 10 healthy', value: allHealthy },
    target: { text: '≥0.9×', met: value / allHealthy >= 0.9 },
  };
}
