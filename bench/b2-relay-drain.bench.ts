/**
 * B2 relay drain: pre-filled events, fanned out to one endpoint and delivered through an in-process transport that
 * answers 200 at once, against a raw SQL loop that claims and completes the same number of deliveries 100 at a time.
 */
import type { DataSource } from 'typeorm';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillDeliveries, prefillEvents } from './support/prefill.js';
import { benchApp, type BenchContext } from './support/bench-app.js';

const BATCH = 100;

/** The floor: claim 100 due deliveries, mark them succeeded, repeat; nothing else. */
async function rawClaimCompleteLoop(dataSource: DataSource, count: number): Promise<number> {
  const postgres = dataSource.options.type === 'postgres';
  const started = performance.now();
  for (let done = 0; done < count; ) {
    const now = Date.now();
    const result: unknown[] = postgres
      ? await dataSource.query(
          `UPDATE webhook_delivery SET locked_until = $1, lock_token = $2 WHERE id IN (
             SELECT id FROM webhook_delivery
             WHERE status = 'pending' AND next_attempt_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)
             ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
           RETURNING id`,
          [now + 60_000, `raw${done}`, now],
        )
      : await dataSource.query(
          `UPDATE webhook_delivery SET locked_until = ?, lock_token = ? WHERE id IN (
             SELECT id FROM webhook_delivery
             WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
             ORDER BY next_attempt_at LIMIT ${BATCH})
           RETURNING id`,
          [now + 60_000, `raw${done}`, now, now],
        );
    // TypeORM returns [rows, affected] for a PostgreSQL UPDATE ... RETURNING, and the rows for SQLite's.
    const claimed = (postgres ? result[0] : result) as Array<{ id: string }>;
    if (claimed.length === 0) throw new Error(`raw loop: only ${done} of ${count} deliveries were due`);
    const ids = claimed.map((row) => row.id);
    if (postgres) {
      await dataSource.query(
        `UPDATE webhook_delivery SET status = 'succeeded', attempts = attempts + 1, locked_until = NULL, lock_token = NULL,
           updated_at = $1, completed_at = $1 WHERE id = ANY($2)`,
        [Date.now(), ids],
      );
    } else {
      await dataSource.query(
        `UPDATE webhook_delivery SET status = 'succeeded', attempts = attempts + 1, locked_until = NULL, lock_token = NULL,
           updated_at = ?, completed_at = ? WHERE id IN (${ids.map(() => '?').join(', ')})`,
        [Date.now(), Date.now(), ...ids],
      );
    }
    done += ids.length;
  }
  return count / ((performance.now() - started) / 1000);
}

export async function relayDrain(context: BenchContext, count: number): Promise<Figure> {
  const transport = new NullTransport();
  const relay = { batchSize: BATCH, concurrency: BATCH, endpointConcurrency: BATCH };
  const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: context.secret }];

  // Baseline on the same database and tables.
  let app = await benchApp(context, { endpoints, relay: { enabled: false } });
  await prefillDeliveries(app.dataSource, count, 'null');
  const raw = await rawClaimCompleteLoop(app.dataSource, count);
  await app.close();

  app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery: { transport } });
  await prefillEvents(app.dataSource, count);
  await app.close();
  app = await benchApp(
    context,
    { endpoints, relay: { ...relay, pollInterval: 50 }, delivery: { transport } },
    { keepTables: true },
  );
  await transport.until(count);
  await app.relay.settled();
  // From the first request (the application's start-up is not the relay's cost) to the last outcome recorded.
  const seconds = (performance.now() - transport.firstSentAt!) / 1000;
  await app.close();
  const perSecond = count / seconds;
  return {
    id: 'B2',
    what: `relay drain, ${count.toLocaleString('en')} events, null transport, batch ${BATCH}`,
    database: context.kind,
    value: perSecond,
    unit: 'events/s',
    baseline: { what: `raw SQL claim/complete loop, batch ${BATCH}`, value: raw },
    target:
      context.kind === 'postgres'
        ? { text: '≥0.6× and ≥12k/s', met: perSecond / raw >= 0.6 && perSecond >= 12_000 }
        : undefined,
  };
}
