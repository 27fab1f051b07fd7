import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackages } from '../consumers/consumer-app.js';
import { freePort } from '../support/loopback.js';
import { createTestDatabase, DATABASE_KINDS, type DatabaseKind, type TestDatabase } from '../support/test-databases.js';
import { until } from '../support/until.js';
import { readPage } from './docs-pages.js';
import { codeBlocks } from './markdown-code-blocks.js';
import { type FollowedPage, followPage, freshNestApp } from './page-follower.js';
import { quickStart } from './quick-start-page.js';

const PAGE = 'docs/guide/getting-started.md';
const markdown = readPage(PAGE);
const work = mkdtempSync(join(tmpdir(), 'webhook-outbox-getting-started-'));
let tarballs: Record<string, string>;
const databases: TestDatabase[] = [];

/**
 * The log line the page promises at its "Success!" (the plain block that shows it), as a pattern: the part from the
 * logger's context on, with the webhook's id (different every time) left open.
 */
function promisedLogLine(): RegExp {
  const shown = codeBlocks(markdown).find((block) => block.lang === '' && block.code.includes('Verified'));
  if (!shown) throw new Error(`${PAGE} shows no log line with "Verified" after its last step.`);
  const line = shown.code.slice(shown.code.indexOf('[WebhooksController]')).trim();
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replace(/msg_\w+/, 'msg_\\w+'));
}

/** Where the page's data-source.ts finds the database: its environment variables, pointed at a test database. */
async function databaseEnvironment(kind: DatabaseKind): Promise<Record<string, string>> {
  const database = await createTestDatabase(kind);
  databases.push(database);
  const options = database.options as { host?: string; port?: number; username?: string; database: string };
  if (kind === 'sqlite') return { DATABASE_FILE: options.database };
  return { DATABASE_URL: `postgres://${options.username}@${options.host}:${options.port}/${options.database}` };
}

beforeAll(async () => {
  tarballs = await packPackages(work);
});

afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(work, { recursive: true, force: true });
});

const FOLLOWED_ON: Array<{ database: string; kind: DatabaseKind; variant?: string }> = [
  { database: 'PostgreSQL', kind: 'postgres' },
  { database: 'SQLite', kind: 'sqlite', variant: 'Using SQLite' },
];

describe.each(FOLLOWED_ON)(
  'the Getting started page, followed in a fresh NestJS application on $database',
  ({ kind, variant }) => {
    let followed: FollowedPage | undefined;

    beforeAll(async () => {
      if (!DATABASE_KINDS.includes(kind)) return;
      const page = quickStart(markdown, variant);
      const app = await freshNestApp(join(work, kind), page.files);
      followed = await followPage(app, page, {
        port: await freePort(),
        env: await databaseEnvironment(kind),
        tarballs,
      });
    });

    afterAll(async () => {
      await followed?.server.stop();
    });

    it.skipIf(!DATABASE_KINDS.includes(kind))('creates the tables with the migrate command as written', () => {
      const migrate = followed!.outputs.find(({ command }) => command.startsWith('npx webhook-outbox migrate'));
      expect(migrate?.output).toMatch(/Applied CreateWebhookOutbox\d+[\s\S]*\d+ applied\./);
    });

    it.skipIf(!DATABASE_KINDS.includes(kind))(
      'receives the saved order, verified, with the log line the page shows',
      async () => {
        const server = followed!.server;
        const promised = promisedLogLine();
        await until(() => promised.test(server.output()), 20_000).catch(() => undefined);
        expect(server.output()).toMatch(promised);
      },
    );
  },
);
