/**
 * B10 stats: `WebhookDeliveries.stats()` with 1M delivered rows in the log (finished two hours ago, outside its
 * window) and 1k pending, against the query it replaced (sums over the whole delivery log), run in the same run.
 */
import { WebhookDeliveries } from '@webhook-outbox/nestjs';
import type { DataSource } from 'typeorm';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { percentile } from './support/percentile.js';
import { prefillDeliveries } from './support/prefill.js';

const CALLS = 20;

/** The statement `stats()` ran before: one pass over every delivery, however old. */
function previousStatsQuery(dataSource: DataSource, now: number): Promise<unknown> {
  const p = (n: number) => (dataSource.options.type === 'postgres' ? `$${n}` : '?');
  const due = `status = 'pending' AND next_attempt_at <= ${p(1)} AND (locked_until IS NULL OR locked_until <= ${p(2)})`;
  return dataSource.query(
    `SELECT SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending,
            SUM(CASE WHEN ${due} THEN 1 ELSE 0 END) AS due,
            SUM(CASE WHEN locked_until > ${p(3)} THEN 1 ELSE 0 END) AS leased,
            SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,
            SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
            MIN(CASE WHEN ${due.replaceAll(p(1), p(4)).replaceAll(p(2), p(5))} THEN next_attempt_at END) AS oldest_due
     FROM webhook_delivery`,
    [now, now, now, now, now],
  );
}

async function medianMs(calls: number, run: () => Promise<unknown>): Promise<number> {
  await run(); // warm
  const samples: number[] = [];
  for (let n = 0; n < calls; n++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return percentile(
    samples.sort((a, b) => a - b),
    50,
  );
}

export async function statsCost(context: BenchContext, delivered: number): Promise<Figure> {
  const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: context.secret }];
  const app = await benchApp(context, { endpoints, relay: { enabled: false } });
  try {
    for (let from = 0; from < delivered; from += 250_000) {
      await prefillDeliveries(app.dataSource, Math.min(250_000, delivered - from), 'null', 'succeeded', from);
    }
    await app.dataSource.query('UPDATE webhook_delivery SET completed_at = completed_at - 7200000');
    await prefillDeliveries(app.dataSource, 1_000, 'null', 'pending', delivered);
    const deliveries = app.app.get(WebhookDeliveries);
    const value = await medianMs(CALLS, () => deliveries.stats());
    const baseline = await medianMs(Math.min(CALLS, 5), () => previousStatsQuery(app.dataSource, Date.now()));
    return {
      id: 'B10',
      what: `WebhookDeliveries.stats() with ${delivered.toLocaleString('en')} delivered rows and 1,000 pending (median of ${CALLS})`,
      database: context.kind,
      value,
      unit: 'ms',
      baseline: { what: 'the query it replaced, summing over the whole log', value: baseline },
      target: { text: '<50 ms', met: value < 50 },
    };
  } finally {
    await app.close();
  }
}
