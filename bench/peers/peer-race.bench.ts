/**
 * The peer race (`BENCH=peers npm run bench`, PostgreSQL): the same job done by this library and by the job queues
 * a team would use instead, in interleaved rounds against one receiver process. So far the drain: `count` pending
 * webhooks, 64 in flight for everyone, deliveries per second as the receiver sees them (first answer to last).
 * Medians of the rounds, with their spread, and this library's ratio to graphile-worker's.
 */
import { loadavg } from 'node:os';
import type { BenchContext } from '../support/bench-app.js';
import type { Figure } from '../support/figures.js';
import { ReceiverProcess } from '../support/receiver-process.js';
import { CONTENDERS, IN_FLIGHT } from './peer-contenders.js';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function peerRace(context: BenchContext, count: number, rounds = 3): Promise<Figure[]> {
  const receiver = await ReceiverProcess.start();
  const rates = new Map<string, number[]>(CONTENDERS.map((contender) => [contender.name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      // Interleaved, in a different order each round, so drift of the machine does not favour one contender.
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]!);
      for (const contender of order) {
        await contender.drain(context, receiver, count);
        const rate = await receiver.rate(count);
        rates.get(contender.name)!.push(rate);
        console.log(`peers, round ${round + 1}: ${contender.name} ${rate.toFixed(0)} deliveries/s`);
      }
    }
  } finally {
    await receiver.stop();
  }
  const graphile = median(rates.get('graphile-worker 0.18')!);
  const load = loadavg()[0]!.toFixed(2);
  return CONTENDERS.map((contender) => {
    const values = rates.get(contender.name)!;
    const spread = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    const ours = contender.name === 'this library';
    return {
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
    };
  });
}
