import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { childProcessNodeArgs } from '../stacks/test-stacks.js';

/**
 * `webhook-outbox listen` and `trigger` run from source as processes, as a developer runs them: their output waited
 * on rather than slept for. `stopCliProcesses()` (in an afterEach) kills what a test left running.
 */
const BIN = fileURLToPath(new URL('../../packages/nestjs/src/cli/webhook-outbox.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WAIT_MS = 15_000;

export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...childProcessNodeArgs(), BIN, ...args], { cwd: ROOT, env: process.env });
}

/** A running `webhook-outbox listen`: its port and the lines it printed, waited on rather than slept for. */
export interface Listener {
  url: string;
  output: () => string;
  waitFor: (pattern: RegExp) => Promise<string>;
  stop: () => Promise<{ code: number | null; out: string }>;
}

const running: ChildProcessWithoutNullStreams[] = [];

/** Kills every CLI process a test started and left running. */
export function stopCliProcesses(): void {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

/** Starts `webhook-outbox listen --port 0 …args` and resolves once it is listening. */
export async function startListen(...args: string[]): Promise<Listener> {
  const child = spawnCli(['listen', '--port', '0', ...args]);
  running.push(child);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = out.split('\n').find((candidate) => pattern.test(candidate));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        }
      };
      const timer = setTimeout(
        () => reject(new Error(`listen printed no line matching ${pattern}:\n${out}\n${err}`)),
        WAIT_MS,
      );
      waiters.push(check);
      check();
    });
  const ready = await waitFor(/^Listening on /);
  const url = ready.match(/(http:\/\/127\.0\.0\.1:\d+\/\S*),/)![1]!;
  return {
    url,
    output: () => out,
    waitFor,
    stop: async () => {
      child.kill('SIGINT');
      return { code: await closed, out };
    },
  };
}

/** `webhook-outbox trigger …` as a process: its exit code and output. */
export function runTrigger(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawnCli(['trigger', ...args]);
  running.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}
