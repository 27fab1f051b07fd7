/**
 * The peer race (`BENCH=peers npm run bench`, PostgreSQL): the same job done by this library and by the job queues
 * a team would use instead, in interleaved rounds against one receiver process.
 *
 * - Drain: `count` pending webhooks, 64 in flight for everyone, deliveries per second as the receiver sees them
 *   (first answer to last). Medians of the rounds with their spread, and this library's ratio to graphile-worker's.
 * - Idle cost: workers on an empty queue for 30 s, what they ask of PostgreSQL (transactions/s) and Redis
 *   (commands/s), and their CPU.
 *
 * - Producer cost: transactions/s at 1 and 8 clients, each a row and its webhook enqueued (or captured) in one
 *   transaction, against the same row alone through the same DataSource (BullMQ enqueues after the commit).
 *
 * Commit → received latency under load is still to come (issue 22).
 */
import { loadavg } from 'node:os';
import type { BenchContext } from '../support/bench-app.js';
import type { Figure } from '../support/figures.js';
import { ReceiverProcess } from '../support/receiver-process.js';
import { idleCost } from './idle-cost.js';
import { CONTENDERS, IN_FLIGHT } from './peer-contenders.js';
import { PRODUCERS, producerRate } from './producer-cost.js';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const IDLE_MS = 30_000;
const PRODUCER_MS = 3_000;

export async function peerRace(context: BenchContext, count: number, rounds = 3): Promise<Figure[]> {
  const receiver = await ReceiverProcess.start();
  const rates = new Map<string, number[]>(CONTENDERS.map((contender) => [contender.name, []]));
  const figures: Figure[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Interleaved, in a different order each round, so drift of the machine does not favour one contender.
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]!);
      for (const contender of order) {
        await contender.enqueue(context, count);
        const before = await receiver.received();
        const stop = await contender.start(context, receiver);
        try {
          await receiver.until(before + count);
        } finally {
          await stop();
        }
        const rate = await receiver.rate(count);
        rates.get(contender.name)!.push(rate);
        console.log(`peers, round ${round + 1}: ${contender.name} ${rate.toFixed(0)} deliveries/s`);
      }
    }
    const graphile = median(rates.get('graphile-worker 0.18')!);
    const load = loadavg()[0]!.toFixed(2);
    for (const contender of CONTENDERS) {
      const values = rates.get(contender.name)!;
      const spread = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
      const ours = contender.name === 'this library';
      figures.push({
        id: 'PEERS',
        what:
          `drain of ${count.toLocaleString('en')} pending webhooks, ${contender.name}${contender.transactional ? '' : ' (not transactional)'}, ` +
          `${IN_FLIGHT} in flight, node:http, median of ${rounds} (spread ${spread}, load ${load})`,
        database: context.kind,
        value: median(values),
        unit: 'deliveries/s',
        ...(ours && {
          baseline: { what: 'graphile-worker, same run', value: graphile },
          target: { text: '≥1.2×', met: median(values) / graphile >= 1.2 },
        }),
      });
    }
    const produced = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
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
    for (const clients of [1, 8])
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
    for (const contender of CONTENDERS) {
      const cost = await idleCost(contender, context, receiver, IDLE_MS);
      console.log(`peers, idle: ${contender.name} ${JSON.stringify(cost)}`);
      figures.push({
        id: 'PEERS',
        what:
          `idle for ${IDLE_MS / 1000} s, ${contender.name}: PostgreSQL transactions/s (Redis ${cost.redisCommandsPerSecond.toFixed(1)} ` +
          `commands/s, CPU ${cost.cpuPercent.toFixed(1)}%)`,
        database: context.kind,
        value: cost.transactionsPerSecond,
        unit: 'tx/s',
        ...(contender.name === 'this library' && {
          target: { text: '≤0.1 tx/s', met: cost.transactionsPerSecond <= 0.1 },
        }),
      });
    }
  } finally {
    await receiver.stop();
  }
  return figures;
}
