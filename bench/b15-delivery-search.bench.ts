/**
 * B15 delivery search: `WebhookDeliveries.search()` (a page of 50 and the total, counted up to 10,000) over a log of
 * 1M deliveries, one in a thousand failed with a 500 and another one a tenant's: the unfiltered first page (the
 * dashboard's list), a page deep in the log by cursor, a webhook-id prefix, the failed ones by status code, and the
 * tenant's portal; against an exact `COUNT(*)` and an `OFFSET` page, which is what the search avoids.
 */
import { WebhookDeliveries, type WebhookDeliverySearch } from '@webhook-outbox/nestjs';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { percentile } from './support/percentile.js';
import { prefillDeliveries } from './support/prefill.js';

const CALLS = 20;

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

export async function deliverySearch(context: BenchContext, delivered: number): Promise<Figure[]> {
  const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: context.secret }];
  const app = await benchApp(context, { endpoints, relay: { enabled: false } });
  try {
    for (let from = 0; from < delivered; from += 250_000)
      await prefillDeliveries(app.dataSource, Math.min(250_000, delivered - from), 'null', 'succeeded', from);
    await app.dataSource.query(
      "UPDATE webhook_delivery SET status = 'failed', last_status_code = 500 WHERE created_at % 1000 = 0",
    );
    await app.dataSource.query("UPDATE webhook_delivery SET tenant = 'acme' WHERE created_at % 1000 = 1");
    const deliveries = app.app.get(WebhookDeliveries);
    // A cursor halfway down: the page ending at the median creation time (found once, the slow way).
    const [median] = await app.dataSource.query(
      `SELECT created_at AS at FROM webhook_delivery ORDER BY created_at LIMIT 1 OFFSET ${Math.floor(delivered / 2)}`,
    );
    const middle = await deliveries.search({ limit: 1, until: Number(median.at) });
    const cases: Array<[string, WebhookDeliverySearch]> = [
      ['the first page, no filter', {}],
      ['a page halfway down the log, by cursor', { cursor: middle.next ?? undefined }],
      ['a webhook-id prefix (100 matches)', { q: 'msg_bench_0000005000' }],
      ['status failed, statusCode 500 (1 in 1,000)', { status: 'failed', statusCode: 500 }],
      ["a tenant's portal, no filter (1 in 1,000 are its)", { tenant: 'acme' }],
    ];
    const baseline = await medianMs(5, () =>
      Promise.all([
        app.dataSource.query('SELECT COUNT(*) FROM webhook_delivery'),
        app.dataSource.query('SELECT * FROM webhook_delivery ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 500000'),
      ]),
    );
    const figures: Figure[] = [];
    for (const [what, search] of cases) {
      const value = await medianMs(CALLS, () => deliveries.search({ limit: 50, ...search }));
      figures.push({
        id: 'B15',
        what: `search() of ${delivered.toLocaleString('en')} deliveries, page of 50 and total: ${what} (median of ${CALLS})`,
        database: context.kind,
        value,
        unit: 'ms',
        ...(figures.length === 0 && {
          baseline: { what: 'an exact COUNT(*) and an OFFSET page halfway down', value: baseline },
        }),
        target: { text: '<50 ms', met: value < 50 },
      });
    }
    return figures;
  } finally {
    await app.close();
  }
}
