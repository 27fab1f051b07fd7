import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { childProcessNodeArgs, testStack } from './stacks/test-stacks.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STACK = process.env.WEBHOOK_TEST_STACK;
/** What this run must load: the stack's declared ranges, or the workspace's own. */
const declared: Record<string, string> = STACK
  ? testStack(STACK).versions
  : (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { dependencies: Record<string, string> }).dependencies;
const CHECKED = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'typeorm'];

/** `~0.3.31` → `0.3.`, `^12.5.1` → `12.`: the part of a version a range fixes. */
function fixedPrefix(range: string): string {
  const [major, minor] = range.replace(/^[~^]/, '').split('.');
  return major === '0' ? `0.${minor}.` : `${major}.`;
}

async function loadedVersion(name: string): Promise<string> {
  const manifest = (await import(/* @vite-ignore */ `${name}/package.json`)) as {
    version: string;
    default?: { version: string };
  };
  return manifest.default?.version ?? manifest.version;
}

function childVersions(): Promise<Record<string, string>> {
  const script = `const out = {}; for (const name of ${JSON.stringify(CHECKED)}) out[name] = (await import(name + '/package.json', { with: { type: 'json' } })).default.version; console.log(JSON.stringify(out));`;
  const child = spawn(process.execPath, [...childProcessNodeArgs(), '--input-type=module', '-e', script], {
    cwd: ROOT,
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`)))),
  );
}

describe(`the stack under test (${STACK ?? 'workspace'})`, () => {
  it('loads the NestJS and TypeORM versions the stack declares in the test process', async () => {
    for (const name of CHECKED) {
      expect({ name, version: await loadedVersion(name) }).toEqual({
        name,
        version: expect.stringMatching(`^${fixedPrefix(declared[name]!).replaceAll('.', '\\.')}`),
      });
    }
  });

  it('gives the processes the tests spawn the same versions', async () => {
    const versions = await childVersions();
    for (const name of CHECKED)
      expect({ name, version: versions[name] }).toEqual({ name, version: await loadedVersion(name) });
  });
});
