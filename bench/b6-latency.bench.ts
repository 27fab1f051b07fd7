/**
 * B6 latency: from a save()'s commit to the receiver having the request, with the relay running as in production
 * (signed POSTs over HTTP on loopback, to a receiver in a process of its own), at 100 events/s and at half the
 * maximum end-to-end rate, measured first. Commit and arrival times are on the wall clock both processes share.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ShopOrder } from '../test/support/shop-order.entity.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { percentile } from './support/percentile.js';
import { ReceiverProcess, wallClock } from './support/receiver-process.js';

/**
 * Saves `count` orders at `rate` per second, each in its own transaction, up to 32 at once (one at a time on SQLite,
 * where TypeORM has one connection and concurrent transactions would nest); returns their commit times.
 */
export async function produce(
  app: Awaited<ReturnType<typeof benchApp>>,
  rate: number,
  count: number,
): Promise<Map<number, number>> {
  const parallel = app.dataSource.options.type === 'better-sqlite3' ? 1 : 32;
  const commits = new Map<number, number>();
  const orders = app.dataSource.getRepository(ShopOrder);
  const started = performance.now();
  const running = new Set<Promise<void>>();
  for (let n = 0; n < count; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);

    while (running.size >= parallel) await Promise.race(running);
    const saving: Promise<void> = orders.save({ customer: `latency ${n}`, total: n }).then((order) => {
      commits.set(order.id, wallClock());
      running.delete(saving);
    });
    running.add(saving);
  }
  await Promise.all(running);
  return commits;
}

export const latencyOptions = (url: string, secret: string) => ({
  endpoints: [{ url, secret }],
  relay: { concurrency: 64, endpointConcurrency: 64, batchSize: 100 },
  delivery: { transport: 'node-http' as const, allowHttp: true, allowPrivateNetworks: true },
});

/**
 * The highest rate this machine sustains end to end (saves committed and delivered, capture and relay sharing the
 * process and the database): `count` saves as fast as 32 at a time go, until the last is received.
 */
export async function maximumRate(context: BenchContext, count: number): Promise<number> {
  const receiver = await ReceiverProcess.start({ arrivals: true });
  const app = await benchApp(context, latencyOptions(`${receiver.url}/hooks`, context.secret));
  try {
    const started = performance.now();
    await produce(app, Number.POSITIVE_INFINITY, count);
    await receiver.until(count);
    return count / ((performance.now() - started) / 1000);
  } finally {
    await app.close();
    await receiver.stop();
  }
}

/**
 * Latencies of `count` saves at `rate`, after one second's worth at the same rate that is not counted: a fresh
 * application opens its database connections and keep-alive sockets on its first events, a cost paid once per
 * process, not per event (measured: nearly all deliveries over 25 ms fell in the first second).
 */
async function latencies(
  context: BenchContext,
  rate: number,
  count: number,
): Promise<{ p50: number; p99: number; achieved: number }> {
  const receiver = await ReceiverProcess.start({ arrivals: true });
  const app = await benchApp(context, latencyOptions(`${receiver.url}/hooks`, context.secret));
  try {
    const warmUp = Math.round(rate);
    await produce(app, rate, warmUp);
    await receiver.until(warmUp);
    const started = performance.now();
    const commits = await produce(app, rate, count);
    const achieved = count / ((performance.now() - started) / 1000);
    await receiver.until(warmUp + count);
    const arrivals = await receiver.arrivals();
    const samples = [...commits]
      .map(([id, committed]) => Math.max(0, (arrivals.get(id) ?? Infinity) - committed))
      .sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p99: percentile(samples, 99), achieved };
  } finally {
    await app.close();
    await receiver.stop();
  }
}

export async function commitToReceived(context: BenchContext, scale: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const maximum = await maximumRate(context, Math.max(500, Math.round(5000 * scale)));
  figures.push({
    id: 'B6',
    what: `the maximum: saves committed and delivered end to end, ${context.kind === 'sqlite' ? 'one' : '32'} at a time`,
    database: context.kind,
    value: maximum,
    unit: 'events/s',
  });
  const half = Math.max(100, Math.round(maximum / 2));
  for (const [label, rate] of [
    ['100 events/s', 100],
    [`half the maximum (${half} events/s)`, half],
  ] as const) {
    const count = Math.max(100, Math.round(rate * 10 * scale));
    const { p50, p99, achieved } = await latencies(context, rate, count);
    const postgres = context.kind === 'postgres';
    figures.push(
      {
        id: 'B6',
        what: `commit → received p50 at ${label}, ${count} events (${achieved.toFixed(0)}/s achieved)`,
        database: context.kind,
        value: p50,
        unit: 'ms',
        ...(postgres && { target: { text: '≤5 ms', met: p50 <= 5 } }),
      },
      {
        id: 'B6',
        what: `commit → received p99 at ${label}`,
        database: context.kind,
        value: p99,
        unit: 'ms',
        ...(postgres && { target: { text: '≤25 ms', met: p99 <= 25 } }),
      },
    );
  }
  return figures;
}
