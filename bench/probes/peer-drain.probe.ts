/**
 * Profiling aid, not a benchmark: one contender of the peer race drains N pending webhooks, alone, so that
 * `node --cpu-prof` sees only its work. CONTENDER is a name prefix (default "this").
 * Run: N=20000 CONTENDER=this node --cpu-prof --import @swc-node/register/esm-register bench/probes/peer-drain.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { CONTENDERS } from '../peers/peer-contenders.js';
import pg from 'pg';
import { type BenchContext, benchContext } from '../support/bench-app.js';
import { connectionString } from '../peers/peer-contenders.js';
import { countPgStatements } from '../support/pg-statement-counter.js';
import { ReceiverProcess } from '../support/receiver-process.js';

async function createPgClientQuery(context: BenchContext, sql: string): Promise<unknown[]> {
  const client = new pg.Client(connectionString(context));
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const count = Number(process.env.N ?? 20_000);
const contender = CONTENDERS.find(({ name }) => name.startsWith(process.env.CONTENDER ?? 'this'))!;
const database = await createTestDatabase('postgres');
const context = benchContext('postgres', database);
const receiver = await ReceiverProcess.start();
try {
  if (process.env.FILLFACTOR) {
    // Experiment: room on each page for HOT updates (the claim's and the outcome's) of webhook_delivery.
    await contender.enqueue(context, 0);
    await createPgClientQuery(
      context,
      `ALTER TABLE webhook_delivery SET (fillfactor = ${Number(process.env.FILLFACTOR)})`,
    );
  }
  if (process.env.PARTIAL) {
    // Experiment: the hot indexes partial, so an outcome's update does not insert into them.
    await contender.enqueue(context, 0);
    for (const sql of [
      'DROP INDEX "IDX_webhook_delivery_due"',
      `CREATE INDEX "IDX_webhook_delivery_due" ON webhook_delivery (status, next_attempt_at) WHERE status = 'pending'`,
      'DROP INDEX "IDX_webhook_delivery_ordering"',
      `CREATE INDEX "IDX_webhook_delivery_ordering" ON webhook_delivery (endpoint_id, ordering_key, sequence) WHERE status = 'pending' AND ordering_key IS NOT NULL`,
    ])
      await createPgClientQuery(context, sql);
  }
  await contender.enqueue(context, count);
  const statements = countPgStatements();
  const stop = await contender.start(context, receiver);
  await receiver.until(count);
  await stop();
  statements.stop();
  for (const [text, n] of [...statements.byText].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(String(n).padStart(7), text);
  console.log(`${contender.name}: ${(await receiver.rate(count)).toFixed(0)} deliveries/s`);
  if (contender.name === 'this library')
    console.log(
      await createPgClientQuery(
        context,
        `SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname LIKE 'webhook_%'`,
      ),
    );
} finally {
  await receiver.stop();
  await database.drop();
}
process.exit(0);
