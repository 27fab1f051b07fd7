import type { WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childProcessNodeArgs } from '../stacks/test-stacks.js';
import type { TestDatabase } from './test-databases.js';

const WORKER = fileURLToPath(new URL('./relay-worker.process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A relay in a process of its own (relay-worker.process.ts), and when it is running. */
export interface RelayWorker {
  process: ChildProcess;
  /** Resolves once its relay runs; rejects if it exits first. */
  ready: Promise<void>;
}

/**
 * Spawns a relay process on `database`. Returned at once, before it runs: a test that kills it on its first request
 * must set its receiver up first, since the relay may send before `ready` resolves.
 */
export function spawnRelayWorker(database: TestDatabase, options: WebhookModuleOptions): RelayWorker {
  const child = spawn(process.execPath, [...childProcessNodeArgs(), WORKER], {
    cwd: ROOT,
    env: { ...process.env, RELAY_WORKER: JSON.stringify({ database: database.options, options }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code, signal) =>
      reject(new Error(`relay worker exited (${code ?? signal}) before it was ready`)),
    );
  });
  // A worker killed on purpose before it printed "ready" is not an unhandled rejection.
  ready.catch(() => undefined);
  return { process: child, ready };
}
