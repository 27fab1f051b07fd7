/**
 * B12 scaling out: 1, 2 and 4 relay processes on one database drain the same backlog to one receiver process. The
 * deliveries are made due a few seconds after the processes are spawned, so every process is running when the
 * first comes due and the rate (the receiver's, first request to last) is that of all of them together.
 */
import type { DataSource } from 'typeorm';
import { type RelayWorker, spawnRelayWorker } from '../test/support/relay-worker.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { prefillDeliveries } from './support/prefill.js';
import { ReceiverProcess } from './support/receiver-process.js';

const PROCESSES = [1, 2, 4];
/** How long after the prefill the backlog comes due: longer than a relay process takes to start. */
const DUE_IN = 12_000;
const relay = { batchSize: 64, concurrency: 64, endpointConcurrency: 64 };
const delivery = { transport: 'node-http' as const, allowHttp: true, allowPrivateNetworks: true };

async function drainWith(context: BenchContext, processes: number, count: number): Promise<number> {
  const receiver = await ReceiverProcess.start();
  const endpoints = [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: context.secret }];
  const workers: RelayWorker[] = [];
  try {
    const app = await benchApp(context, { endpoints, relay: { ...relay, enabled: false }, delivery });
    await prefillDeliveries(app.dataSource as DataSource, count, 'receiver');
    // Every process must be running when the backlog comes due: all of it at one moment.
    const dueAt = Date.now() + DUE_IN;
    await app.dataSource.query(`UPDATE webhook_delivery SET next_attempt_at = ${dueAt}`);
    await app.close();
    for (let n = 0; n < processes; n++)
      workers.push(spawnRelayWorker(context.database, { endpoints, relay, delivery }));
    await Promise.all(workers.map((worker) => worker.ready));
    if (Date.now() > dueAt) console.warn(`B12: the ${processes} processes started after the backlog came due`);
    await receiver.until(count, 10 * 60_000);
    return await receiver.rate(count);
  } finally {
    for (const worker of workers) worker.process.kill('SIGTERM');
    await Promise.all(
      workers.map(
        (worker) => new Promise((resolve) => worker.process.once('exit', resolve).exitCode !== null && resolve(0)),
      ),
    );
    await receiver.stop();
  }
}

export async function relayProcesses(context: BenchContext, count: number): Promise<Figure[]> {
  const rates = new Map<number, number>();
  for (const processes of PROCESSES) {
    rates.set(processes, await drainWith(context, processes, count));
    console.log(`B12: ${processes} relay process(es) ${rates.get(processes)!.toFixed(0)} deliveries/s`);
  }
  const one = rates.get(1)!;
  return PROCESSES.map((processes) => ({
    id: 'B12',
    what: `${processes} relay process${processes > 1 ? 'es' : ''} on one database, ${count.toLocaleString('en')} deliveries, 64 in flight each, node:http`,
    database: context.kind,
    value: rates.get(processes)!,
    unit: 'deliveries/s',
    ...(processes > 1 && { baseline: { what: '1 process', value: one } }),
    ...(processes === 2 && { target: { text: '≥1.6×', met: rates.get(2)! / one >= 1.6 } }),
  }));
}
