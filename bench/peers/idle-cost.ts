import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { BenchContext } from '../support/bench-app.js';
import { benchApp } from '../support/bench-app.js';
import type { ReceiverProcess } from '../support/receiver-process.js';
import type { Contender } from './peer-contenders.js';

/** What a contender's idle workers cost: database transactions and Redis commands per second, and this process's CPU. */
export interface IdleCost {
  transactionsPerSecond: number;
  redisCommandsPerSecond: number;
  cpuPercent: number;
}

/** Committed and rolled-back transactions of the bench's database so far (PostgreSQL's own counters). */
async function transactions(dataSource: DataSource): Promise<number> {
  const [row] = (await dataSource.query(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
  )) as Array<{ n: string }>;
  return Number(row!.n);
}

async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `contender`'s workers on an empty queue, lets them settle, then counts for `ms` what they ask of PostgreSQL
 * and Redis, and the CPU this process spends (they run in it). The counting connection's own queries are two.
 */
export async function idleCost(
  contender: Contender,
  context: BenchContext,
  receiver: ReceiverProcess,
  ms: number,
): Promise<IdleCost> {
  const observer = await benchApp(context, { relay: { enabled: false } }, { keepTables: true });
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const stop = await contender.start(context, receiver);
  try {
    await pause(3_000);
    // PostgreSQL publishes its counters about once a second: read them twice around the window, a second later.
    const xacts = await transactions(observer.dataSource as DataSource);
    const commands = await redisCommands(redis);
    const cpu = process.cpuUsage();
    await pause(ms);
    const cpuUsed = process.cpuUsage(cpu);
    await pause(1_100);
    const seconds = ms / 1000;
    return {
      transactionsPerSecond: Math.max(0, (await transactions(observer.dataSource as DataSource)) - xacts - 1) / seconds,
      redisCommandsPerSecond: Math.max(0, (await redisCommands(redis)) - commands - 1) / seconds,
      cpuPercent: ((cpuUsed.user + cpuUsed.system) / 1000 / ms) * 100,
    };
  } finally {
    await stop();
    redis.disconnect();
    await observer.close();
  }
}
