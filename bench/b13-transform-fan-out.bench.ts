/**
 * B13 transformations (issue 30): events fanned out to 10 stored endpoints that each reshape the event with a JMESPath
 * expression (run in the transformation sandbox, a worker thread), against the same 10 stored endpoints without one;
 * deliveries per second with the null transport, both measured in the same run, each three times in turn (the
 * best of its three counts: a run of a few seconds is at the mercy of the other tenants of the host).
 */
import { WebhookEndpoints } from '@webhook-outbox/nestjs';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillEvents } from './support/prefill.js';

/** A transformation as a chat integration writes it: a message built from the data, a header from the type. */
const TYPICAL =
  "{ body: { text: join('', ['Order ', to_string(data.id), ' by ', data.customer, ' is ', data.status]), total: data.total }, headers: { \"x-event-type\": type } }";
const ENDPOINTS = 10;

/** Deliveries per second for `deliveries` deliveries over the stored endpoints, each with `transform` or none. */
async function deliveriesPerSecond(
  context: BenchContext,
  deliveries: number,
  transform: string | null,
): Promise<number> {
  const transport = new NullTransport();
  const relay = { batchSize: 100, concurrency: 200, endpointConcurrency: 200, pollInterval: 50 };
  const events = Math.ceil(deliveries / ENDPOINTS);
  let app = await benchApp(context, { relay: { ...relay, enabled: false }, delivery: { transport } });
  const endpoints = app.app.get(WebhookEndpoints);
  for (let n = 0; n < ENDPOINTS; n++) await endpoints.create({ url: `http://127.0.0.1:9/hooks/${n}`, transform });
  await prefillEvents(app.dataSource, events);
  await app.close();
  const started = performance.now();
  app = await benchApp(context, { relay, delivery: { transport } }, { keepTables: true });
  await transport.until(events * ENDPOINTS);
  await app.relay.settled();
  const perSecond = (events * ENDPOINTS) / ((performance.now() - started) / 1000);
  await app.close();
  return perSecond;
}

export async function transformFanOut(context: BenchContext, deliveries: number): Promise<Figure> {
  const plain: number[] = [];
  const transformed: number[] = [];
  for (let round = 0; round < 3; round++) {
    plain.push(await deliveriesPerSecond(context, deliveries, null));
    transformed.push(await deliveriesPerSecond(context, deliveries, TYPICAL));
  }
  const value = Math.max(...transformed);
  const baseline = Math.max(...plain);
  return {
    id: 'B13',
    what: `fan-out to ${ENDPOINTS} stored endpoints, each with a JMESPath transformation, ${deliveries.toLocaleString('en')} deliveries, null transport`,
    database: context.kind,
    value,
    unit: 'deliveries/s',
    baseline: { what: 'the same endpoints without one', value: baseline },
    target: { text: '≥0.8×', met: value / baseline >= 0.8 },
  };
}
