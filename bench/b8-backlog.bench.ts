/**
 * B8 backlog: the latency of one claim (100 deliveries) with 1M due deliveries waiting, against 1k; and the relay
 * process's memory while it works through the large backlog.
 */
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { OUTBOX_STORE, type OutboxStore } from '@webhook-outbox/nestjs/internal';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillDeliveries } from './support/prefill.js';
import { percentile } from './support/percentile.js';

const CLAIMS = 50;

/** Median latency of `CLAIMS` claims of 100 from a backlog of `backlog` due deliveries. */
async function claimLatency(context: BenchContext, backlog: number): Promise<{ median: number; peakRss?: number }> {
  const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: context.secret }];
  const app = await benchApp(context, { endpoints, relay: { enabled: false } });
  try {
    for (let from = 0; from < backlog; from += 250_000)
      await prefillDeliveries(app.dataSource, Math.min(250_000, backlog - from), 'null', 'pending', from);
    const store = app.app.get<OutboxStore>(OUTBOX_STORE);
    const samples: number[] = [];
    for (let n = 0; n < CLAIMS + 5; n++) {
      const now = Date.now();
      const started = performance.now();
      const claimed = await store.claimDeliveries({
        limit: 100,
        perEndpoint: 100,
        excludeEndpoints: [],
        now,
        lockedUntil: now + 600_000,
        lockToken: `bench-${n}`,
      });
      if (n >= 5) samples.push(performance.now() - started); // the first few warm the cache
      if (claimed.length !== 100) throw new Error(`claim ${n} returned ${claimed.length}`);
      // Given back, so the backlog stays the same size for every claim.
      const ids = claimed.map((delivery) => delivery.id);
      const list = ids.map((_, i) => (context.kind === 'postgres' ? `$${i + 1}` : '?')).join(', ');
      await app.dataSource.query(
        `UPDATE webhook_delivery SET locked_until = NULL, lock_token = NULL WHERE id IN (${list})`,
        ids,
      );
    }
    return {
      median: percentile(
        samples.sort((a, b) => a - b),
        50,
      ),
    };
  } finally {
    await app.close();
  }
}

/**
 * What the application with its relay adds to this process's JavaScript heap, at its peak, while it delivers
 * `deliveries` of the backlog left in the tables (the heap after a full collection is measured first; resident
 * memory is not used: the benchmark process keeps pages from the earlier benchmarks that it never gives back).
 */
async function relayMemory(context: BenchContext, deliveries: number): Promise<{ added: number; before: number }> {
  const transport = new NullTransport();
  const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: generateWebhookSecret() }];
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const app = await benchApp(
    context,
    { endpoints, relay: { batchSize: 100, concurrency: 200, endpointConcurrency: 200 }, delivery: { transport } },
    { keepTables: true },
  );
  try {
    await transport.until(deliveries);
  } finally {
    await app.close();
    clearInterval(sampler);
  }
  return { added: (peak - before) / 2 ** 20, before: before / 2 ** 20 };
}

export async function backlog(context: BenchContext, large: number, small: number): Promise<Figure[]> {
  const smallBacklog = await claimLatency(context, small);
  const largeBacklog = await claimLatency(context, large);
  const memory = await relayMemory(context, Math.min(50_000, large / 2));
  return [
    {
      id: 'B8',
      what: `one claim of 100 with ${large.toLocaleString('en')} due deliveries waiting (median of ${CLAIMS})`,
      database: context.kind,
      value: largeBacklog.median,
      unit: 'ms',
      baseline: { what: `with ${small.toLocaleString('en')} waiting`, value: smallBacklog.median },
      target: { text: '≤1.5×', met: largeBacklog.median / smallBacklog.median <= 1.5 },
    },
    {
      id: 'B8',
      what: `heap the application and its relay add, at peak, while working through that backlog (heap before: ${memory.before.toFixed(0)} MB)`,
      database: context.kind,
      value: memory.added,
      unit: 'MB',
      target: { text: '≤200 MB', met: memory.added <= 200 },
    },
  ];
}
