import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchContext } from '../support/bench-app.js';
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

/**
 * Counts every statement sent through node-postgres in this process, where every contender's workers run (all of
 * them use the one `pg` installed). Counted at the client, not from PostgreSQL's `pg_stat_database`: those counters
 * are flushed by each backend up to 10 s late, and include autovacuum's transactions, which made a 30 s window of
 * idle workers read anything from 0.1 to 9 transactions/s for the same code.
 */
function countStatements(): { readonly count: number; stop(): void } {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const counter = {
    count: 0,
    stop: () => {
      prototype.query = original;
    },
  };
  prototype.query = function (this: unknown, ...args: unknown[]) {
    counter.count++;
    return original.apply(this, args);
  };
  return counter;
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
    const statements = countStatements();
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
