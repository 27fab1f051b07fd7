import type { DataSource } from 'typeorm';

const PAYLOAD = JSON.stringify({
  type: 'order.created',
  timestamp: '2026-11-23T12:00:00.000Z',
  sequence: 1,
  data: { id: 1, customer: 'Ada Lovelace', total: '129.90', status: 'new', createdAt: '2026-11-23T12:00:00.000Z' },
});

/** `count` numbers as rows `n`, in the dialect's set-returning form. */
function series(dataSource: DataSource, count: number): string {
  switch (dataSource.options.type) {
    case 'postgres':
      return `SELECT n FROM generate_series(1, ${count}) AS n`;
    case 'better-sqlite3':
      return `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${count}) SELECT n FROM s`;
    default:
      return `SELECT seq AS n FROM seq_1_to_${count}`;
  }
}

const pad = (dataSource: DataSource, column: string) =>
  dataSource.options.type === 'postgres'
    ? `lpad((${column})::text, 12, '0')`
    : dataSource.options.type === 'better-sqlite3'
      ? `printf('%012d', ${column})`
      : `LPAD(${column}, 12, '0')`;
const concat = (dataSource: DataSource, ...parts: string[]) =>
  dataSource.options.type === 'mariadb' || dataSource.options.type === 'mysql'
    ? `CONCAT(${parts.join(', ')})`
    : parts.join(' || ');

/** Writes `count` events not yet fanned out, as capture would have, oldest first. */
export async function prefillEvents(dataSource: DataSource, count: number, from = 0): Promise<void> {
  const now = Date.now() - count;
  await dataSource.query(
    `INSERT INTO webhook_event (id, type, payload, occurred_at, fanned_out_at)
     SELECT ${concat(dataSource, `'msg_bench_'`, pad(dataSource, `n + ${from}`))}, 'order.created', '${PAYLOAD}', ${now} + n, NULL FROM (${series(dataSource, count)}) AS numbers`,
  );
  await analyze(dataSource);
}

/** Statistics as autovacuum would have them after a while: a bulk insert leaves the planner guessing. */
async function analyze(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type === 'postgres') await dataSource.query('ANALYZE webhook_event, webhook_delivery');
  else if (dataSource.options.type === 'better-sqlite3') await dataSource.query('ANALYZE');
  else await dataSource.query('ANALYZE TABLE webhook_event, webhook_delivery');
}

/**
 * Writes `count` events already fanned out to `endpointId`, each with a pending delivery due now: a backlog.
 * `status` 'succeeded' writes finished ones instead (history that is not due).
 */
export async function prefillDeliveries(
  dataSource: DataSource,
  count: number,
  endpointId: string,
  status: 'pending' | 'succeeded' = 'pending',
  from = 0,
): Promise<void> {
  const now = Date.now() - count;
  const id = (prefix: string) => concat(dataSource, `'${prefix}'`, pad(dataSource, `n + ${from}`));
  await dataSource.query(
    `INSERT INTO webhook_event (id, type, payload, occurred_at, fanned_out_at)
     SELECT ${id('msg_bench_')}, 'order.created', '${PAYLOAD}', ${now} + n, ${now} + n FROM (${series(dataSource, count)}) AS numbers`,
  );
  await dataSource.query(
    `INSERT INTO webhook_delivery (id, event_id, endpoint_id, status, attempts, series_start, next_attempt_at, created_at, updated_at, completed_at)
     SELECT ${id('dlv_bench_')}, ${id('msg_bench_')}, '${endpointId}', '${status}', ${status === 'pending' ? 0 : 1}, 0, ${now} + n, ${now} + n, ${now} + n,
            ${status === 'pending' ? 'NULL' : `${now} + n`}
     FROM (${series(dataSource, count)}) AS numbers`,
  );
  await analyze(dataSource);
}
