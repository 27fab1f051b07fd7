/**
 * B16 endpoint figures (issue 32): `GET stats/endpoints` (`EndpointFigures.read()`) with 1M delivered rows, each
 * with its attempt, spread over 20 endpoints in the last 24 hours, against the aggregate it avoids (every attempt of
 * the window grouped by endpoint through the attempt time index), run in the same run.
 */
import type { DataSource } from 'typeorm';
import { EndpointFigures } from '../packages/nestjs/src/deliveries/endpoint-figures.service.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { percentile } from './support/percentile.js';
import { prefillDeliveries } from './support/prefill.js';

const ENDPOINTS = 20;
const CALLS = 20;

/** One attempt per delivery, started 5 ms before its last change; every tenth failed. */
async function prefillAttempts(dataSource: DataSource): Promise<void> {
  const mariadb = dataSource.options.type === 'mariadb';
  const id = mariadb ? "CONCAT('att_', id)" : "'att_' || id";
  const failed = `CAST(SUBSTR(id, 11) AS ${mariadb ? 'UNSIGNED' : 'INTEGER'}) % 10 = 0`;
  await dataSource.query(
    `INSERT INTO webhook_attempt (id, delivery_id, attempt_number, started_at, duration_ms, outcome, status_code)
     SELECT ${id}, id, 1, updated_at - 5, updated_at % 400,
            CASE WHEN ${failed} THEN 'failed' ELSE 'succeeded' END, CASE WHEN ${failed} THEN 500 ELSE 200 END
     FROM webhook_delivery`,
  );
  if (dataSource.options.type === 'postgres')
    await dataSource.query('VACUUM ANALYZE webhook_attempt, webhook_delivery');
  else if (dataSource.options.type === 'better-sqlite3') await dataSource.query('ANALYZE');
  else await dataSource.query('ANALYZE TABLE webhook_attempt, webhook_delivery');
}

/** What the figures would cost read exactly: every attempt of the window, joined to its delivery, grouped. */
function windowAggregate(dataSource: DataSource, since: number): Promise<unknown> {
  const p = dataSource.options.type === 'postgres' ? '$1' : '?';
  return dataSource.query(
    `SELECT d.endpoint_id, COUNT(*) AS attempts, SUM(CASE WHEN a.outcome = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,
            MAX(a.started_at) AS latest
     FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
     WHERE a.started_at >= ${p}
     GROUP BY d.endpoint_id`,
    [since],
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

export async function endpointFiguresCost(context: BenchContext, delivered: number): Promise<Figure[]> {
  const endpoints = Array.from({ length: ENDPOINTS }, (_, n) => ({
    id: `ep${n}`,
    url: 'https://receiver.example/hooks',
    secret: context.secret,
  }));
  const app = await benchApp(context, { endpoints, relay: { enabled: false } });
  try {
    const each = Math.ceil(delivered / ENDPOINTS);
    for (let n = 0; n < ENDPOINTS; n++) {
      await prefillDeliveries(app.dataSource, each, `ep${n}`, 'succeeded', n * each);
    }
    await prefillAttempts(app.dataSource);
    const figures = app.app.get(EndpointFigures);
    const since = Date.now() - 24 * 3_600_000;
    const all = await medianMs(CALLS, () => figures.read({}, { since }));
    const one = await medianMs(CALLS, () => figures.read({}, { since, endpointId: 'ep7' }));
    const baseline = await medianMs(3, () => windowAggregate(app.dataSource, since));
    const rows = (ENDPOINTS * each).toLocaleString('en');
    return [
      {
        id: 'B16',
        what: `GET stats/endpoints, ${ENDPOINTS} endpoints, ${rows} delivered with an attempt each in the window (median of ${CALLS})`,
        database: context.kind,
        value: all,
        unit: 'ms',
        baseline: { what: "the exact aggregate over the window's attempts", value: baseline },
        target: { text: '<100 ms', met: all < 100 },
      },
      {
        id: 'B16',
        what: `GET stats/endpoints?endpointId=…, one of them (median of ${CALLS})`,
        database: context.kind,
        value: one,
        unit: 'ms',
        baseline: { what: "the exact aggregate over the window's attempts", value: baseline },
        target: { text: '<20 ms', met: one < 20 },
      },
    ];
  } finally {
    await app.close();
  }
}
