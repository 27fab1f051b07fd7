/**
 * Receiving figures: what verification costs per scheme, and how many webhooks a receiver accepts per second over
 * real HTTP, with the inbox (exactly-once) and without it. A script that prints figures, not a test.
 * Run: npm run bench:receive (WEBHOOK_BENCH_DATABASES=sqlite,postgres,mariadb; BENCH_REQUESTS, BENCH_CONCURRENCY).
 */
import 'reflect-metadata';
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { resolveWebhookScheme, type WebhookSchemeName } from '@webhook-outbox/signature';
import { cpus } from 'node:os';
import { LedgerEntry, PaymentsController } from '../test/support/payments-receiver.js';
import { type HttpPlatform, HTTP_PLATFORMS, startReceiverApp } from '../test/support/receiver-test-app.js';
import { createTestDatabase, type DatabaseKind } from '../test/support/test-databases.js';
import { percentile } from './support/percentile.js';

const VERIFICATIONS = Number(process.env.BENCH_VERIFICATIONS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const kinds = (process.env.WEBHOOK_BENCH_DATABASES ?? 'sqlite,postgres').split(',') as DatabaseKind[];

/** verify() calls per second for one scheme, on a 1 KB JSON body, without HTTP or a database. */
function verificationsPerSecond(name: WebhookSchemeName): number {
  const scheme = resolveWebhookScheme(name);
  const secret = name === 'standard-webhooks' ? generateWebhookSecret() : 'whsec_bench_secret_value';
  const payload = JSON.stringify({ id: 'evt_bench', type: 'invoice.paid', filler: 'x'.repeat(1000) });
  const headers = scheme.sign({ payload, secret, id: 'msg_bench', timestamp: Math.floor(Date.now() / 1000) });
  const input = { payload: Buffer.from(payload), headers, secrets: [secret], toleranceSeconds: 300, now: Date.now() };
  for (let i = 0; i < 1000; i++) scheme.verify(input);
  const started = performance.now();
  for (let i = 0; i < VERIFICATIONS; i++) scheme.verify(input);
  return VERIFICATIONS / ((performance.now() - started) / 1000);
}

/** Unique signed payment webhooks sent with CONCURRENCY in flight; every one must be accepted. */
async function acceptedPerSecond(kind: DatabaseKind, platform: HttpPlatform, deduplicate: boolean) {
  const database = await createTestDatabase(kind);
  const secret = generateWebhookSecret();
  const receiver = await startReceiverApp(database, {
    platform,
    controllers: [PaymentsController],
    entities: [LedgerEntry],
    receivers: { payments: { secret, deduplicate } },
  });
  try {
    const requests = Array.from({ length: REQUESTS + 100 }, (_, i) => signWebhook({ secret, payload: { amount: i } }));
    const latencies: number[] = [];
    let next = 0;
    const worker = async (record: boolean) => {
      for (let i = next++; i < requests.length; i = next++) {
        const started = performance.now();
        const response = await receiver.post('/payments', requests[i]!.body, requests[i]!.headers);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`request ${i} answered ${response.status}`);
        if (record) latencies.push(performance.now() - started);
      }
    };
    next = requests.length - 100; // warm-up on the last 100
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(false)));
    next = 0;
    requests.length -= 100;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(true)));
    const seconds = (performance.now() - started) / 1000;
    const rows = await receiver.dataSource.getRepository(LedgerEntry).count();
    latencies.sort((a, b) => a - b);
    return { perSecond: REQUESTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rows };
  } finally {
    await receiver.close();
    await database.drop();
  }
}

console.log(
  `Node ${process.version}, ${cpus().length} cores; ${VERIFICATIONS} verifications per scheme, ${REQUESTS} requests at concurrency ${CONCURRENCY}`,
);
console.log('\nverify() per second (1 KB body, one secret):');
for (const name of ['standard-webhooks', 'stripe', 'github', 'shopify', 'slack'] as WebhookSchemeName[]) {
  console.log(`  ${name.padEnd(18)} ${Math.round(verificationsPerSecond(name)).toLocaleString('en')}`);
}
console.log('\naccepted webhooks per second over HTTP, handler = one insert in processInTransaction:');
for (const kind of kinds) {
  for (const platform of HTTP_PLATFORMS) {
    const figures: string[] = [];
    for (const deduplicate of [false, true]) {
      const result = await acceptedPerSecond(kind, platform, deduplicate);
      figures.push(
        `${deduplicate ? 'with inbox' : 'no inbox'} ${Math.round(result.perSecond)}/s (p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms)`,
      );
    }
    console.log(`  ${kind.padEnd(8)} ${platform.padEnd(7)} ${figures.join('; ')}`);
  }
}
