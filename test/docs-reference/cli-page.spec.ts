import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../packages/nestjs/src/cli/webhook-outbox.cli.js';
import { docsPage, pageSection } from './reference-page.js';

const page = docsPage('reference/cli.md');
const folder = mkdtempSync(join(tmpdir(), 'docs-cli-'));
let databases = 0;

/** A `sqlite:` URL of a database file no test used before. */
function freshDatabase(): string {
  databases += 1;
  return `sqlite:${join(folder, `app-${databases}.sqlite`)}`;
}

/** Runs the CLI as `npx webhook-outbox ...args` would, with no database in the environment. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    {},
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The exit code the page's table gives a meaning to. */
function documentedExitCode(code: number): boolean {
  return (pageSection(page, '## Exit codes') ?? '').includes(`| \`${code}\` |`);
}

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('docs/reference/cli.md', () => {
  it('documents every command and flag the usage lists', async () => {
    const { out } = await run('--help');
    const commands = [...out.matchAll(/^ {2}(\w+) {2,}/gm)].map((match) => match[1]!);
    const flags = [...new Set([...out.matchAll(/(--[a-z-]+)/g)].map((match) => match[1]!))];
    expect(commands).toEqual(['migrate', 'status', 'sql', 'openapi', 'listen', 'trigger']);
    expect(commands.filter((command) => !page.includes(`### \`${command}\``))).toEqual([]);
    expect(flags.filter((flag) => !page.includes(`| \`${flag} `) && !page.includes(`| \`${flag}\``))).toEqual([]);
  });

  it('gives status exit code 1 while migrations are pending, as the page says', async () => {
    const { code, out } = await run('status', '--url', freshDatabase());
    expect(code).toBe(1);
    expect(out).toMatch(/pending: run `webhook-outbox migrate`/);
    expect(documentedExitCode(1)).toBe(true);
  });

  it('gives exit code 0 once migrate has applied them', async () => {
    const url = freshDatabase();
    expect((await run('migrate', '--url', url)).code).toBe(0);
    expect((await run('status', '--url', url)).code).toBe(0);
    expect(documentedExitCode(0)).toBe(true);
  });

  it('gives exit code 2 for a usage mistake', async () => {
    expect((await run('status')).code).toBe(2);
    expect((await run('deploy')).code).toBe(2);
    expect((await run('openapi')).code).toBe(2);
    expect(documentedExitCode(2)).toBe(true);
  });
});
