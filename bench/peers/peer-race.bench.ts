/**
 * The peer race (`BENCH=peers npm run bench`, PostgreSQL): the same job done by this library and by the job queues
 * a team would use instead, in interleaved rounds against one receiver process.
 *
 * - Drain: `count` pending webhooks, 64 in flight for everyone, deliveries per second as the receiver sees them
 *   (ours captured by `save()` and not yet fanned out, as a user's are; the peers' as enqueued by their own API)
 *   (first answer to last). Medians of the rounds with their spread, and this library's ratio to graphile-worker's;
 *   and the CPU each delivery cost Node, PostgreSQL, Redis and the receiver (from /proc, medians of the rounds). A
 *   reference row beside them: the same signing and POST loop with no queue, the floor every contender pays.
 * - Idle cost: workers on an empty queue for 30 s, what they ask of PostgreSQL (statements/s, counted at the client)
 *   and Redis (commands/s), and their CPU.
 *
 * - Producer cost: transactions/s at 1 and 8 clients, each a row and its webhook enqueued (or captured) in one
 *   transaction, against the same row alone through the same DataSource (BullMQ enqueues after the commit).
 *
 * - Commit → received: p50/p95/p99 at 100 and 500 events/s, each a row and its webhook committed by a producer
 *   while the contender's workers run (`commit-latency.ts`).
 *
 * Every drain and latency round starts from a VACUUMed database (see `vacuum`).
 */
import { loadavg } from 'node:os';
import type { BenchContext } from '../support/bench-app.js';
import type { Figure } from '../support/figures.js';
import { ProcessCpu } from '../support/process-cpu.js';
import { ReceiverProcess } from '../support/receiver-process.js';
import { commitLatency } from './commit-latency.js';
import { idleCost } from './idle-cost.js';
import { CONTENDERS, connectionString, IN_FLIGHT, noQueue, thisLibraryPrefilled } from './peer-contenders.js';
import pg from 'pg';
import { PRODUCERS, producerRate } from './producer-cost.js';

/** The scenarios to run: all by default, or those `PEERS` names (`drain,latency,idle,producer`). */
const wanted = (scenario: string) => !process.env.PEERS || process.env.PEERS.split(',').includes(scenario);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const IDLE_MS = 30_000;
const PRODUCER_MS = 3_000;
/** Seconds of events per latency measurement, at each rate. */
const LATENCY_SECONDS = 5;
const LATENCY_RATES = [100, 500];

export async function peerRace(context: BenchContext, count: number, rounds = 3): Promise<Figure[]> {
  const receiver = await ReceiverProcess.start();
  const reference = noQueue();
  // The drain's contenders: the four, the prefilled-deliveries variant of ours (labelled), and the reference loop.
  const drainers = [...CONTENDERS, thisLibraryPrefilled, reference];
  const rates = new Map<string, number[]>(drainers.map((contender) => [contender.name, []]));
  // CPU per delivery of each round, by process group: steadier than the rate on a host whose speed moves.
  const cpuByContender = new Map<string, Array<Record<string, number>>>();
  const figures: Figure[] = [];
  try {
    for (let round = 0; round < rounds && wanted('drain'); round++) {
      // Interleaved, in a different order each round, so drift of the machine does not favour one contender.
      const order = drainers.map((_, i, all) => all[(i + round) % all.length]!);
      for (const contender of order) {
        await vacuum(context);
        await contender.enqueue(context, count);
        // The writes of the enqueue and of earlier contenders flushed now, so the server's background writers bill
        // none of them to this contender's window.
        await checkpoint(context);
        const before = await receiver.received();
        const cpu = new ProcessCpu({
          node: ProcessCpu.self,
          postgres: ProcessCpu.named('postgres'),
          redis: ProcessCpu.named('redis-server'),
          receiver: ProcessCpu.pid(receiver.pid),
        });
        const stop = await contender.start(context, receiver);
        let spent: Record<string, number>;
        try {
          await receiver.until(before + count);
        } finally {
          // Before stopping: a backend that closes takes its CPU time with it.
          spent = cpu.spent();
          await stop();
        }
        const rate = await receiver.rate(count);
        rates.get(contender.name)!.push(rate);
        const perDelivery = Object.fromEntries(
          Object.entries(spent).map(([group, ms]) => [group, (ms * 1000) / count]),
        );
        cpuByContender.set(contender.name, [...(cpuByContender.get(contender.name) ?? []), perDelivery]);
        console.log(
          `peers, round ${round + 1}: ${contender.name} ${rate.toFixed(0)} deliveries/s, CPU µs per delivery ${JSON.stringify(perDelivery)}`,
        );
      }
    }
    const graphile = wanted('drain') ? median(rates.get('graphile-worker 0.18')!) : 0;
    const load = loadavg()[0]!.toFixed(2);
    for (const contender of wanted('drain') ? drainers : []) {
      const values = rates.get(contender.name)!;
      const spread = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
      const ours = contender.name === 'this library';
      const cpu = cpuByContender.get(contender.name)!;
      const cpuOf = (group: string) => median(cpu.map((round) => round[group]!)).toFixed(0);
      figures.push({
        id: 'PEERS',
        what:
          `drain of ${count.toLocaleString('en')} pending webhooks, ${contender.name}` +
          `${ours ? ' (captured by save(), 500 orders a transaction; the fan-out in the drain)' : ''}` +
          `${contender.transactional || contender === reference ? '' : ' (not transactional)'}, ` +
          `${IN_FLIGHT} in flight, node:http, median of ${rounds} (spread ${spread}, load ${load}); CPU µs per delivery: ` +
          `Node ${cpuOf('node')}, PostgreSQL ${cpuOf('postgres')}, Redis ${cpuOf('redis')}, receiver ${cpuOf('receiver')}`,
        database: context.kind,
        value: median(values),
        unit: 'deliveries/s',
        ...(ours && {
          baseline: { what: 'graphile-worker, same run', value: graphile },
          target: { text: '≥1.0×', met: median(values) / graphile >= 1.0 },
        }),
      });
    }
    // Latency, before the producer scenario (whose enqueued jobs no worker takes) and the idle one: every queue is
    // empty here, the drain having emptied it.
    const latencies = new Map<string, Array<{ p50: number; p95: number; p99: number }>>();
    for (let round = 0; round < rounds && wanted('latency'); round++)
      for (const rate of LATENCY_RATES)
        for (let i = 0; i < CONTENDERS.length; i++) {
          const at = (i + round) % CONTENDERS.length;
          // PRODUCERS lists the same contenders in the same order: each one's producer with its workers.
          await vacuum(context);
          const measured = await commitLatency(CONTENDERS[at]!, PRODUCERS[at]!, context, rate, rate * LATENCY_SECONDS);
          const key = `${CONTENDERS[at]!.name}|${rate}`;
          latencies.set(key, [...(latencies.get(key) ?? []), measured]);
          console.log(
            `peers, latency at ${rate}/s, round ${round + 1}: ${CONTENDERS[at]!.name} ${JSON.stringify(measured)}`,
          );
        }
    for (const rate of wanted('latency') ? LATENCY_RATES : []) {
      const graphileP99 = median(latencies.get(`graphile-worker 0.18|${rate}`)!.map(({ p99 }) => p99));
      for (const contender of CONTENDERS) {
        const runs = latencies.get(`${contender.name}|${rate}`)!;
        const [p50, p95, p99] = (['p50', 'p95', 'p99'] as const).map((p) => median(runs.map((run) => run[p])));
        const spread = `${Math.min(...runs.map((run) => run.p99)).toFixed(1)}–${Math.max(...runs.map((run) => run.p99)).toFixed(1)}`;
        figures.push({
          id: 'PEERS',
          what:
            `commit → received p99 at ${rate} events/s, ${contender.name}${contender.transactional ? '' : ' (enqueued after the commit)'}, ` +
            `p50 ${p50!.toFixed(1)} ms, p95 ${p95!.toFixed(1)} ms, median of ${rounds} (p99 spread ${spread})`,
          database: context.kind,
          value: p99!,
          unit: 'ms',
          ...(contender.name === 'this library' && {
            baseline: { what: 'graphile-worker, same run', value: graphileP99 },
          }),
        });
      }
    }
    for (const contender of wanted('idle') ? CONTENDERS : []) {
      const cost = await idleCost(contender, context, receiver, IDLE_MS);
      console.log(`peers, idle: ${contender.name} ${JSON.stringify(cost)}`);
      figures.push({
        id: 'PEERS',
        what:
          `idle for ${IDLE_MS / 1000} s, ${contender.name}: PostgreSQL statements/s (Redis ${cost.redisCommandsPerSecond.toFixed(1)} ` +
          `commands/s, CPU ${cost.cpuPercent.toFixed(2)}%)`,
        database: context.kind,
        value: cost.statementsPerSecond,
        unit: 'statements/s',
        ...(contender.name === 'this library' && {
          target: { text: '≤0.1/s', met: cost.statementsPerSecond <= 0.1 },
        }),
      });
    }
    const produced = new Map<string, number[]>();
    for (let round = 0; round < rounds && wanted('producer'); round++) {
      for (const clients of [1, 8]) {
        const order = PRODUCERS.map((_, i) => PRODUCERS[(i + round) % PRODUCERS.length]!);
        for (const producer of order) {
          for (const withWebhook of [false, true]) {
            const key = `${producer.name}|${clients}|${withWebhook}`;
            const rate = await producerRate(producer, context, clients, withWebhook, PRODUCER_MS);
            produced.set(key, [...(produced.get(key) ?? []), rate]);
          }
        }
      }
    }
    for (const clients of wanted('producer') ? [1, 8] : [])
      for (const producer of PRODUCERS) {
        const withIt = median(produced.get(`${producer.name}|${clients}|true`)!);
        const floor = median(produced.get(`${producer.name}|${clients}|false`)!);
        console.log(
          `peers, producer ${clients} clients: ${producer.name} ${withIt.toFixed(0)} vs ${floor.toFixed(0)} tx/s`,
        );
        figures.push({
          id: 'PEERS',
          what: `producer, ${clients} client${clients > 1 ? 's' : ''}, a row and its webhook per transaction, ${producer.name}`,
          database: context.kind,
          value: withIt,
          unit: 'tx/s',
          baseline: { what: 'the same row alone', value: floor },
        });
      }
  } finally {
    await receiver.stop();
  }
  return figures;
}

/** Runs a CHECKPOINT: dirty buffers written now rather than by the checkpointer during the next window. */
async function checkpoint(context: BenchContext): Promise<void> {
  await runOnce(context, 'CHECKPOINT');
}

/**
 * The dead rows of earlier rounds cleaned away before each contender's round, as autovacuum would between bursts:
 * the server may run without it (this machine's does: its CI configuration sets `autovacuum = off`), and every
 * contender's round would then meet all the earlier rounds' dead rows in its tables and indexes.
 */
async function vacuum(context: BenchContext): Promise<void> {
  await runOnce(context, 'VACUUM');
}

async function runOnce(context: BenchContext, statement: string): Promise<void> {
  const client = new pg.Client(connectionString(context));
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
