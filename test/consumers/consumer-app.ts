import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end, stdout and stderr together (for the failure message). */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CommandResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** Runs a command that must succeed; throws with its output otherwise. */
export async function runOrThrow(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} in ${options.cwd} exited ${result.code}:\n${result.output}`);
  return result.output;
}

/**
 * `npm pack` of the workspace's two packages, exactly as a publish would make them (prepack builds), into `into`:
 * the tarballs' paths by package name.
 */
export async function packPackages(into: string): Promise<Record<string, string>> {
  const tarballs: Record<string, string> = {};
  for (const folder of ['signature', 'nestjs']) {
    const { name, version } = JSON.parse(readFileSync(join(PACKAGES, folder, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    await runOrThrow('npm', ['pack', '--pack-destination', into], { cwd: join(PACKAGES, folder) });
    // npm's own naming of a scoped package's tarball: @scope/name@1.0.0 → scope-name-1.0.0.tgz.
    tarballs[name] = join(into, `${name.slice(1).replace('/', '-')}-${version}.tgz`);
  }
  return tarballs;
}

/**
 * A fresh application outside the workspace: the template folder `template` (its package.json, tsconfig and any
 * files of its own) plus the shared application sources, with the tarballs added as dependencies. `extensionless`
 * drops the `.js` of relative imports, as a CommonJS project (and Jest's resolver) writes them.
 */
function createConsumerApp(
  template: string,
  into: string,
  tarballs: Record<string, string>,
  { extensionless = false } = {},
): string {
  const dir = join(into, template);
  cpSync(join(HERE, template), dir, { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const file of readdirSync(join(HERE, 'app-src'))) {
    const source = readFileSync(join(HERE, 'app-src', file), 'utf8');
    writeFileSync(
      join(dir, 'src', file),
      extensionless ? source.replace(/(from '\.{1,2}\/[^']+)\.js'/g, "$1'") : source,
    );
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const [name, tarball] of Object.entries(tarballs)) manifest.dependencies[name] = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/** `createConsumerApp`, then `npm install` (from the registry, as a user would) and the app's own build. */
export async function installConsumerApp(
  template: string,
  into: string,
  tarballs: Record<string, string>,
  options: { extensionless?: boolean } = {},
): Promise<string> {
  const dir = createConsumerApp(template, into, tarballs, options);
  await runOrThrow('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
  await runOrThrow('npm', ['run', 'build'], { cwd: dir });
  return dir;
}
