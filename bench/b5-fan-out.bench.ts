/**
 * B5 fan-out: events to 1, 10 and 100 subscribed endpoints (null transport): deliveries per second at 10 and 100
 * endpoints against the same at 1 endpoint, measured in the same run; and to 100 endpoints that each have a filter
 * (which every event passes, so the deliveries are the same) against the same without filters.
 */
import type { WebhookFilter } from '@webhook-outbox/nestjs';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillEvents } from './support/prefill.js';

/** Deliveries per second for `deliveries` deliveries spread over `endpointCount` endpoints. */
async function deliveriesPerSecond(
  context: BenchContext,
  endpointCount: number,
  deliveries: number,
  filter?: (n: number) => WebhookFilter,
): Promise<number> {
  const transport = new NullTransport();
  const endpoints = Array.from({ length: endpointCount }, (_, n) => ({
    id: `endpoint-${n}`,
    url: `https://receiver.example/hooks/${n}`,
    secret: context.secret,
    ...(filter && { filter: filter(n) }),
  }));
  const relay = { batchSize: 100, concurrency: 200, endpointConcurrency: 200, pollInterval: 50 };
  const events = Math.ceil(deliveries / endpointCount);
  let app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery: { transport } });
  await prefillEvents(app.dataSource, events);
  await app.close();
  const started = performance.now();
  app = await benchApp(context, { endpoints, relay, delivery: { transport } }, { keepTables: true });
  await transport.until(events * endpointCount);
  await app.relay.settled();
  const perSecond = (events * endpointCount) / ((performance.now() - started) / 1000);
  await app.close();
  return perSecond;
}

export async function fanOut(context: BenchContext, deliveries: number): Promise<Figure[]> {
  const single = await deliveriesPerSecond(context, 1, deliveries);
  const figures: Figure[] = [];
  let hundred = 0;
  for (const endpointCount of [10, 100]) {
    const value = await deliveriesPerSecond(context, endpointCount, deliveries);
    hundred = value;
    figures.push({
      id: 'B5',
      what: `fan-out to ${endpointCount} endpoints, ${deliveries.toLocaleString('en')} deliveries, null transport`,
      database: context.kind,
      value,
      unit: 'deliveries/s',
      baseline: { what: 'the same to 1 endpoint', value: single },
      target: { text: '≥0.85×', met: value / single >= 0.85 },
    });
  }
  // A filter of the usual kind, a few conditions on the data, different per endpoint and passed by every event.
  const filtered = await deliveriesPerSecond(context, 100, deliveries, (n) => ({
    type: { $in: ['order.created', 'order.updated'] },
    'data.total': { $gte: n % 10 },
    $or: [{ 'data.status': 'new' }, { 'data.customer': { $startsWith: 'Ada' } }],
  }));
  figures.push({
    id: 'B5',
    what: `fan-out to 100 endpoints with a filter each, ${deliveries.toLocaleString('en')} deliveries, null transport`,
    database: context.kind,
    value: filtered,
    unit: 'deliveries/s',
    baseline: { what: 'the same without filters', value: hundred },
    target: { text: '≥0.8×', met: filtered / hundred >= 0.8 },
  });
  return figures;
}
