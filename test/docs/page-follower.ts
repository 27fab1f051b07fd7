import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOrThrow } from '../consumers/consumer-app.js';
import { until } from '../support/until.js';
import type { QuickStart } from './quick-start-page.js';

const NEST_NEW_APP = fileURLToPath(new URL('./nest-new-app', import.meta.url));
/** The port the page's commands and URLs use; the test's free port replaces it. */
const PAGE_PORT = '3000';
// Nest colours its log unless told not to; the assertions read plain text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A command of the page still running (the application), with what it printed so far. */
export interface RunningCommand {
  readonly command: string;
  output(): string;
  stop(): Promise<void>;
}

/** What following the page left: every command with its output, and the application it started. */
export interface FollowedPage {
  outputs: Array<{ command: string; output: string }>;
  server: RunningCommand;
}

/**
 * The application a reader of the page starts from (what `nest new` makes, installed), in `into`, with the page's
 * titled blocks written to their paths.
 */
export async function freshNestApp(into: string, files: Map<string, string>): Promise<string> {
  cpSync(NEST_NEW_APP, into, { recursive: true });
  await runOrThrow('npm', ['install', '--no-audit', '--no-fund'], { cwd: into });
  for (const [path, code] of files) {
    mkdirSync(dirname(join(into, path)), { recursive: true });
    writeFileSync(join(into, path), code);
  }
  return into;
}

function startInBackground(command: string, cwd: string, env: Record<string, string>): RunningCommand {
  // A process group of its own, so stopping it stops npm and the node process npm started.
  const child: ChildProcess = spawn('bash', ['-c', command], { cwd, env: { ...process.env, ...env }, detached: true });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString().replace(ANSI, ''));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const ended = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    command,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await ended;
    },
  };
}

/** `npm install <the page's packages>`, with this workspace's tarballs for ours (not on the registry when tested). */
function withTarballs(command: string, tarballs: Record<string, string>): string {
  const packages = command.replace(/^npm install\s*/, '').split(/\s+/);
  const ours = packages.filter((name) => name in tarballs);
  const rest = packages.filter((name) => !(name in tarballs));
  const local = ours.length > 0 ? Object.values(tarballs) : [];
  return ['npm install --no-audit --no-fund', ...rest, ...local].join(' ');
}

/**
 * Runs the page's commands in order in `app`, as written, where the page's port (3000) is the test's `port`:
 * `npm install` with the workspace's tarballs; `npm run start…` in the background, until Nest says it started;
 * everything else (`npm run build`, `npx …`, `curl …`) to its end, which must succeed. A command the test does not
 * recognise fails it, so the page cannot grow a step that CI skips.
 */
export async function followPage(
  app: string,
  page: QuickStart,
  options: { port: number; env: Record<string, string>; tarballs: Record<string, string> },
): Promise<FollowedPage> {
  const env = { ...options.env, PORT: String(options.port), NO_COLOR: '1' };
  const outputs: FollowedPage['outputs'] = [];
  let server: RunningCommand | undefined;
  const shell = async (command: string) => {
    outputs.push({ command, output: await runOrThrow('bash', ['-c', command], { cwd: app, env }) });
  };
  try {
    for (const command of page.commands) {
      if (command.startsWith('npm install ')) await shell(withTarballs(command, options.tarballs));
      else if (/^npm (run )?start/.test(command)) {
        server = startInBackground(command, app, env);
        const started = server;
        await until(() => /Nest application successfully started/.test(started.output()), 60_000).catch(() => {
          throw new Error(`"${command}" did not start the application:\n${started.output()}`);
        });
      } else if (command.startsWith('curl ') && server)
        await shell(command.replaceAll(`:${PAGE_PORT}`, `:${options.port}`));
      else if (/^(npm run build|npx )/.test(command)) await shell(command);
      else throw new Error(`The test does not know how to follow "${command}" from the page.`);
    }
  } catch (error) {
    await server?.stop();
    throw error;
  }
  if (!server) throw new Error('The page never starts the application (no `npm run start…` command).');
  return { outputs, server };
}
