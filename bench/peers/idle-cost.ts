import { Redis } from 'ioredis';
import type { BenchContext } from '../support/bench-app.js';
import { countPgStatements } from '../support/pg-statement-counter.js';
import type { ReceiverProcess } from '../support/receiver-process.js';
import type { Contender } from './peer-contenders.js';

/** What a contender's idle workers cost: PostgreSQL statements and Redis commands per second, and this process's CPU. */
export interface IdleCost {
  statementsPerSecond: number;
  redisCommandsPerSecond: number;
  cpuPercent: number;
}

async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `contender`'s workers on an empty queue, lets them settle, then counts for `ms` what they ask of PostgreSQL
 * and Redis, and the CPU this process spends (they run in it).
 */
export async function idleCost(
  contender: Contender,
  context: BenchContext,
  receiver: ReceiverProcess,
  ms: number,
): Promise<IdleCost> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const stop = await contender.start(context, receiver);
  try {
    await pause(3_000);
    const commands = await redisCommands(redis);
    const statements = countPgStatements();
    const cpu = process.cpuUsage();
    await pause(ms);
    const cpuUsed = process.cpuUsage(cpu);
    statements.stop();
    const seconds = ms / 1000;
    return {
      statementsPerSecond: statements.count / seconds,
      // The INFO that reads the counter is itself a command.
      redisCommandsPerSecond: Math.max(0, (await redisCommands(redis)) - commands - 1) / seconds,
      cpuPercent: ((cpuUsed.user + cpuUsed.system) / 1000 / ms) * 100,
    };
  } finally {
    await stop();
    redis.disconnect();
  }
}
