/**
 * The peer race's latency scenario: with a contender's workers running, a producer commits a row and its webhook
 * (its enqueue or our capture in the same transaction; BullMQ's after the commit) at a steady rate, and the receiver,
 * in a process of its own, notes when each body's `data.id` first arrives. Latency is commit → arrival on the wall
 * clock both processes share.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { benchApp, type BenchContext } from '../support/bench-app.js';
import { percentile } from '../support/percentile.js';
import { ReceiverProcess, wallClock } from '../support/receiver-process.js';
import type { Contender } from './peer-contenders.js';
import type { ProducerContender } from './producer-cost.js';

export interface CommitLatency {
  p50: number;
  p95: number;
  p99: number;
  /** Events per second the producer achieved (below `rate` if the database could not keep up). */
  achieved: number;
}

/** Producer transactions in flight at most, as in B6. */
const PARALLEL = 32;

/**
 * Latencies of `count` webhooks committed at `rate` per second, after one second's worth at the same rate that is
 * not counted (connections and keep-alive sockets are opened on the first events, once per process).
 */
export async function commitLatency(
  contender: Contender,
  producer: ProducerContender,
  context: BenchContext,
  rate: number,
  count: number,
): Promise<CommitLatency> {
  const receiver = await ReceiverProcess.start({ arrivals: true });
  const endpoints = [{ id: 'receiver', url: 'http://127.0.0.1:9/unused', secret: context.secret }];
  const app = await benchApp(context, { endpoints, relay: { enabled: false } }, { keepTables: true });
  const { produce, afterCommit, close } = await producer.setUp(context);
  const stop = await contender.start(context, receiver);
  let next = 1_000_000 * (1 + Math.floor(Math.random() * 1_000));
  const commitAt = async (rateNow: number, events: number) => {
    const commits = new Map<number, number>();
    const running = new Set<Promise<void>>();
    const started = performance.now();
    for (let n = 0; n < events; n++) {
      const wait = started + (n * 1000) / rateNow - performance.now();
      if (wait > 1) await delay(wait);
      while (running.size >= PARALLEL) await Promise.race(running);
      const k = next++;
      const one: Promise<void> = (async () => {
        const id = await app.dataSource.transaction((manager) => produce(manager, k, true));
        commits.set(id, wallClock());
        await afterCommit?.(k);
      })().finally(() => running.delete(one));
      running.add(one);
    }
    await Promise.all(running);
    return { commits, seconds: (performance.now() - started) / 1000 };
  };
  try {
    const warmUp = Math.round(rate);
    await commitAt(rate, warmUp);
    await receiver.until(warmUp, 60_000);
    const { commits, seconds } = await commitAt(rate, count);
    await receiver.until(warmUp + count, 120_000);
    const arrivals = await receiver.arrivals();
    const samples = [...commits]
      .map(([id, committed]) => Math.max(0, (arrivals.get(id) ?? Number.POSITIVE_INFINITY) - committed))
      .sort((a, b) => a - b);
    return {
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      p99: percentile(samples, 99),
      achieved: count / seconds,
    };
  } finally {
    await stop();
    await close();
    await app.close();
    await receiver.stop();
  }
}
