/**
 * B4 HTTP delivery: signed POSTs from the relay to a local keep-alive receiver, against a bare loop of the same
 * HTTP client at the same concurrency sending the same body (no database, no signing): what the relay adds. The
 * receiver runs in a process of its own and both rates are as it sees them, first answer to last (the relay's
 * application start-up is not counted).
 */
import http from 'node:http';
import axios from 'axios';
import type { WebhookModuleOptions } from '@webhook-outbox/nestjs';
import type { DataSource } from 'typeorm';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillDeliveries } from './support/prefill.js';
import { ReceiverProcess } from './support/receiver-process.js';

const CONCURRENCY = 64;
const BODY = JSON.stringify({
  type: 'order.created',
  timestamp: '2026-11-23T12:00:00.000Z',
  data: { id: 1, customer: 'Ada Lovelace', total: '129.90' },
});

type Client = 'axios' | 'node-http';

/** `CONCURRENCY` workers each POSTing their share of `count` requests, back to back. */
async function bareLoop(client: Client, receiver: ReceiverProcess, count: number): Promise<number> {
  const url = `${receiver.url}/bare`;
  const agent = new http.Agent({ keepAlive: true });
  const instance = axios.create({ httpAgent: agent, maxRedirects: 0, validateStatus: () => true });
  const post =
    client === 'axios'
      ? async () => void (await instance.post(url, BODY, { headers: { 'content-type': 'application/json' } }))
      : () =>
          new Promise<void>((resolve, reject) => {
            const request = http.request(
              url,
              {
                method: 'POST',
                agent,
                headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
              },
              (response) => {
                response.resume();
                response.on('end', resolve);
              },
            );
            request.on('error', reject);
            request.end(BODY);
          });
  const each = Math.round(count / CONCURRENCY);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = 0; n < each; n++) await post();
    }),
  );
  agent.destroy();
  return receiver.rate(each * CONCURRENCY);
}

/**
 * The relay sending `count` prefilled due deliveries to `url` through `delivery.transport`, at the bare loops'
 * concurrency; `measure` waits for them and returns the rate, before the application closes.
 */
async function relayRate(
  context: BenchContext,
  url: string,
  delivery: WebhookModuleOptions['delivery'],
  count: number,
  measure: () => Promise<number>,
): Promise<number> {
  const endpoints = [{ id: 'receiver', url, secret: context.secret }];
  const relay = { batchSize: 100, concurrency: CONCURRENCY, endpointConcurrency: CONCURRENCY };
  let app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery });
  await prefillDeliveries(app.dataSource as DataSource, count, 'receiver');
  await app.close();
  app = await benchApp(context, { endpoints, relay, delivery }, { keepTables: true });
  try {
    return await measure();
  } finally {
    await app.relay.settled();
    await app.close();
  }
}

/** The relay delivering `count` due deliveries to the receiver, as the receiver sees them, first answer to last. */
async function relayDelivery(
  context: BenchContext,
  client: Client,
  receiver: ReceiverProcess,
  count: number,
): Promise<number> {
  const before = await receiver.received();
  return relayRate(
    context,
    `${receiver.url}/hooks`,
    { transport: client, allowHttp: true, allowPrivateNetworks: true },
    count,
    async () => {
      await receiver.until(before + count);
      return receiver.rate(count);
    },
  );
}

/**
 * The same relay and deliveries with an in-process transport that answers at once: claiming and recording alone, the
 * most any transport could reach on this machine, from the first request to the last.
 */
async function relayWithoutHttp(context: BenchContext, count: number): Promise<number> {
  const transport = new NullTransport();
  return relayRate(context, 'https://receiver.example/hooks', { transport }, count, async () => {
    await transport.until(count);
    return (count - 1) / ((performance.now() - transport.firstSentAt!) / 1000);
  });
}

export async function httpDelivery(context: BenchContext, count: number): Promise<Figure[]> {
  const receiver = await ReceiverProcess.start();
  try {
    const figures: Figure[] = [];
    const bareLoops = new Map<Client, number>();
    for (const client of ['axios', 'node-http'] as const) {
      const bare = await bareLoop(client, receiver, count);
      bareLoops.set(client, bare);
      const value = await relayDelivery(context, client, receiver, count);
      const floor = client === 'axios' ? 2000 : 5000;
      figures.push({
        id: 'B4',
        what: `signed POSTs by the relay, ${client} transport, concurrency ${CONCURRENCY}`,
        database: context.kind,
        value,
        unit: 'req/s',
        baseline: { what: `bare ${client} loop, same concurrency`, value: bare },
        target:
          context.kind === 'postgres'
            ? { text: `≥0.8× and ≥${floor / 1000}k/s`, met: value / bare >= 0.8 && value >= floor }
            : undefined,
      });
    }
    const ceiling = await relayWithoutHttp(context, count);
    figures.push({
      id: 'B4',
      what: `reference: the same relay and deliveries with an in-process transport answering at once (no HTTP), concurrency ${CONCURRENCY}`,
      database: context.kind,
      value: ceiling,
      unit: 'req/s',
      baseline: { what: 'bare node-http loop, same concurrency', value: bareLoops.get('node-http')! },
    });
    // Issue 22's restatement: what HTTP costs the relay, against the relay's own ceiling rather than a loop that does
    // no database work.
    const overHttp = figures.find((figure) => figure.what.includes('node-http transport'))!.value;
    figures.push({
      id: 'B4',
      what: `restated: the relay over node-http against its own no-HTTP ceiling, concurrency ${CONCURRENCY}`,
      database: context.kind,
      value: overHttp,
      unit: 'req/s',
      baseline: { what: 'the same relay without HTTP', value: ceiling },
      target: context.kind === 'postgres' ? { text: '≥0.8×', met: overHttp / ceiling >= 0.8 } : undefined,
    });
    return figures;
  } finally {
    await receiver.stop();
  }
}
