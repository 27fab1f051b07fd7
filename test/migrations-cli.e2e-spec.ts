import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { webhookOutboxEntities, webhookOutboxMigrations } from '@webhook-outbox/nestjs';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../packages/nestjs/src/cli/webhook-outbox.cli.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';
import { childProcessNodeArgs } from './stacks/test-stacks.js';

const BIN = fileURLToPath(new URL('../packages/nestjs/src/cli/webhook-outbox.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./support/cli-data-source.fixture.ts', import.meta.url));
const NAMES = [
  'CreateWebhookOutbox1763900000000',
  'AddDeliveryEngine1795000000000',
  'AddWebhookInbox1796000000000',
  'AddEndpointStore1797000000000',
  'AddUnfannedEventIndex1798000000000',
  'AddTraceContext1799000000000',
  'AddAttemptTimeIndex1800000000000',
  'AddEndpointFilter1801000000000',
  'AddTransformations1802000000000',
  'AddRateLimits1803000000000',
  'AddPendingDeliveryIndexes1804000000000',
  'AddCodeEndpointRegistry1805000000000',
  'AddAttemptRequest1806000000000',
  'AddDeliveryEndpointIndex1807000000000',
  'AddDeliveryCreatedIndex1807500000000',
  'AddPortalLinks1808000000000',
];

function urlOf(database: TestDatabase): string {
  const options = database.options as {
    type: string;
    host?: string;
    port?: number;
    username?: string;
    database: string;
  };
  if (options.type === 'better-sqlite3') return `sqlite:${options.database}`;
  const scheme = options.type === 'postgres' ? 'postgres' : 'mariadb';
  return `${scheme}://${options.username}@${options.host}:${options.port}/${options.database}`;
}

/** The CLI in this process: its exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    {},
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The real command, as a process: its exit code and output. */
function bin(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [...childProcessNodeArgs(), BIN, ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('webhook-outbox openapi', () => {
  const SHOP = fileURLToPath(new URL('./support/cli-shop-data-source.fixture.ts', import.meta.url));

  it("prints the OpenAPI document of a DataSource file's entity events without connecting to its database", async () => {
    const result = await bin(['openapi', '--data-source', SHOP, '--title', 'Shop webhooks', '--version', '3.1.4']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.out);
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Shop webhooks', version: '3.1.4' } });
    expect(Object.keys(document.webhooks)).toEqual(
      expect.arrayContaining(['order.created', 'order.updated', 'customer.created', 'customer.tier_changed']),
    );
    expect(document.components.schemas.CustomerCreated.properties.data.properties).not.toHaveProperty('phone');
  });

  it('asks for the DataSource file it needs, with exit code 2', async () => {
    const result = await cli('openapi');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/give --data-source <file>/);
  });
});

describe.each(DATABASE_KINDS)('the webhook-outbox CLI on %s', (kind) => {
  let database: TestDatabase;
  let url: string;
  const open: DataSource[] = [];

  /** A DataSource on the test database that knows only the package's tables. */
  async function inspect(withMigrations = false): Promise<DataSource> {
    const dataSource = new DataSource({
      ...database.options,
      entities: webhookOutboxEntities,
      ...(withMigrations && { migrations: webhookOutboxMigrations }),
    } as DataSourceOptions);
    await dataSource.initialize();
    open.push(dataSource);
    return dataSource;
  }

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    url = urlOf(database);
  });
  afterEach(async () => {
    for (const dataSource of open.splice(0)) await dataSource.destroy();
    await database.drop();
  });

  it('status exits 1 on an empty database; migrate brings it up to date; status then exits 0', async () => {
    const before = await bin(['status', '--url', url]);
    expect(before.code).toBe(1);
    expect(before.out.trim().split('\n')).toEqual([
      ...NAMES.map((name) => `[ ] ${name}`),
      `${NAMES.length} pending: run \`webhook-outbox migrate\`.`,
    ]);

    const migrated = await bin(['migrate'], { WEBHOOK_OUTBOX_DATABASE_URL: url });
    expect(migrated).toMatchObject({
      code: 0,
      out: `${NAMES.map((name) => `Applied ${name}`).join('\n')}\n${NAMES.length} applied.\n`,
    });

    const after = await cli('status', '--url', url);
    expect(after.code).toBe(0);
    expect(after.out).toBe(`${NAMES.map((name) => `[x] ${name}`).join('\n')}\nUp to date.`);
    expect(await cli('migrate', '--url', url)).toMatchObject({ code: 0, out: 'Up to date: nothing to apply.' });
    expect(await cli('sql', '--url', url)).toMatchObject({ code: 0, out: '-- Up to date: nothing to apply.' });
    // What migrate built is exactly what the entities describe.
    expect((await (await inspect()).driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });

  it('sql prints, without running it, SQL that leaves the database exactly as migrate would', async () => {
    const printed = await cli('sql', '--url', url);
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(/CREATE TABLE .*webhook_endpoint/);
    const statements = printed.out
      .split(';\n')
      .map((statement) => statement.replace(/;$/, ''))
      .filter(Boolean);
    const dataSource = await inspect(true);
    const runner = dataSource.createQueryRunner();
    try {
      expect(await runner.hasTable('webhook_event')).toBe(false); // sql changed nothing
      for (const statement of statements) await runner.query(statement); // a DBA runs it by hand
    } finally {
      await runner.release();
    }
    expect(await cli('status', '--url', url)).toMatchObject({ code: 0 });
    expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    expect(await dataSource.showMigrations()).toBe(false); // TypeORM agrees nothing is pending
  });

  it('shows only what is missing on a database some migrations behind', async () => {
    const dataSource = await inspect(true);
    await dataSource.runMigrations({ transaction: 'each' });
    // Back to before AddPendingDeliveryIndexes: it and every later migration are missing (more as releases add some).
    const missing = NAMES.slice(NAMES.indexOf('AddPendingDeliveryIndexes1804000000000'));
    for (const _ of missing) await dataSource.undoLastMigration();
    const status = await cli('status', '--url', url);
    expect(status.code).toBe(1);
    expect(status.out).toContain(
      `[x] AddRateLimits1803000000000\n${missing.map((name) => `[ ] ${name}`).join('\n')}\n${missing.length} pending`,
    );
    const sql = (await cli('sql', '--url', url)).out;
    expect(sql).toMatch(/declared_at/);
    expect(sql).toMatch(/IDX_webhook_delivery_failed/);
    expect(sql).not.toMatch(/CREATE TABLE [^(]*webhook_inbox/);
    expect([...sql.matchAll(/INSERT INTO .*'(\w+)'\);$/gm)].map((match) => match[1])).toEqual(missing);
    expect(sql).toMatch(new RegExp(`INSERT INTO .*'${NAMES.at(-1)}'\\);$`));
  });

  it("uses the connection of an application's data-source file", async () => {
    const result = await bin(['status', '--data-source', FIXTURE], {
      CLI_FIXTURE_DB: JSON.stringify(database.options),
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${NAMES.length} pending`);
  });
});

describe('the webhook-outbox CLI, used wrongly', () => {
  it('explains its usage and exits 2 without a command, with an unknown one, or with an unknown flag', async () => {
    for (const argv of [[], ['upgrade'], ['status', '--colour', 'red']]) {
      const result = await cli(...argv);
      expect(result.code).toBe(2);
      expect(result.err).toContain('Usage: webhook-outbox <migrate|status|sql>');
    }
  });

  it('says which database URLs it understands, and that it needs one', async () => {
    expect(await cli('status', '--url', 'oracle://db/x')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/must start with postgres:\/\/, mysql:\/\/, mariadb:\/\/ or sqlite:; got "oracle"/),
    });
    expect(await cli('status')).toMatchObject({ code: 2, err: expect.stringMatching(/Say which database/) });
  });

  it('exits 1 with the reason when the database cannot be reached', async () => {
    const result = await cli('status', '--url', 'postgres://postgres@127.0.0.1:1/nowhere');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^Cannot connect to the database: .*ECONNREFUSED/);
  });
});
