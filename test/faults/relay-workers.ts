import type { WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childProcessNodeArgs } from '../stacks/test-stacks.js';
import type { TestDatabase } from '../support/test-databases.js';

const WORKER = fileURLToPath(new URL('../support/relay-worker.process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A relay in a process of its own (test/support/relay-worker.process.ts), resolved once it runs. */
export async function startRelayWorker(database: TestDatabase, options: WebhookModuleOptions): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [...childProcessNodeArgs(), WORKER], {
    cwd: ROOT,
    env: { ...process.env, RELAY_WORKER: JSON.stringify({ database: database.options, options }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    worker.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    worker.on('exit', (code) => reject(new Error(`relay worker exited (${code}) before it was ready`)));
  });
  return worker;
}
