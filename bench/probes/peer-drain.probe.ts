/**
 * Profiling aid, not a benchmark: one contender of the peer race drains N pending webhooks, alone, so that
 * `node --cpu-prof` sees only its work. CONTENDER is a name prefix (default "this": ours from saved orders; "this
 * library, deliveries" for ours from delivery rows prefilled by SQL; "no queue" for the reference loop).
 * Run: N=20000 CONTENDER=this node --cpu-prof --import @swc-node/register/esm-register bench/probes/peer-drain.probe.ts
 */
import 'reflect-metadata';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { CONTENDERS, noQueue, thisLibraryPrefilled } from '../peers/peer-contenders.js';
import pg from 'pg';
import { type BenchContext, benchContext } from '../support/bench-app.js';
import { connectionString } from '../peers/peer-contenders.js';
import { countPgStatements } from '../support/pg-statement-counter.js';
import { ProcessCpu } from '../support/process-cpu.js';
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
const contender = [...CONTENDERS, thisLibraryPrefilled, noQueue()].find(({ name }) =>
  name.startsWith(process.env.CONTENDER ?? 'this'),
)!;
const database = await createTestDatabase('postgres');
const context = benchContext('postgres', database);
const receiver = await ReceiverProcess.start();
try {
  // ROUNDS > 1 drains again into the same database, as the race does: later rounds meet the earlier ones' history.
  for (let round = 1; round <= Number(process.env.ROUNDS ?? 1); round++) {
    await contender.enqueue(context, count);
    const statements = countPgStatements();
    const cpu = new ProcessCpu({
      node: ProcessCpu.self,
      postgres: ProcessCpu.named('postgres'),
      receiver: ProcessCpu.pid(receiver.pid),
    });
    const before = await receiver.received();
    const stop = await contender.start(context, receiver);
    await receiver.until(before + count);
    // Read before stopping: a backend that closes takes its CPU time with it.
    const spent = cpu.spent();
    await stop();
    statements.stop();
    for (const [text, n] of [...statements.byText].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(String(n).padStart(7), text);
    console.log(`round ${round}, ${contender.name}: ${(await receiver.rate(count)).toFixed(0)} deliveries/s`);
    // CPU per delivery moves far less with the host's speed than the rate: the figure to compare variants by.
    console.log(
      'CPU µs per delivery:',
      Object.entries(spent)
        .map(([group, ms]) => `${group} ${((ms * 1000) / count).toFixed(0)}`)
        .join(', '),
    );
  }
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
