import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/loopback.js';
import { createTestDatabase, DATABASE_KINDS, type DatabaseKind, type TestDatabase } from '../support/test-databases.js';
import { installConsumerApp, packPackages, run, runOrThrow } from './consumer-app.js';

// Server databases only: a fresh app would compile better-sqlite3 from source (no prebuilt binaries here), a
// minute per app; SQLite is covered on both stacks by the integration suite.
const SERVER_DATABASES = DATABASE_KINDS.filter((kind): kind is Exclude<DatabaseKind, 'sqlite'> => kind !== 'sqlite');
/** Where the migrations command and the Jest test run: the first server database selected. */
const DATABASE = SERVER_DATABASES[0];
const WORKSPACE = fileURLToPath(new URL('../..', import.meta.url));
/** Entry points for ESM importers only: Vitest, ESM itself, imports its setup files. */
const ESM_ONLY_ENTRYPOINTS = ['./testing/vitest'];
const work = mkdtempSync(join(tmpdir(), 'webhook-outbox-consumers-'));
let tarballs: Record<string, string>;
const databases: TestDatabase[] = [];

async function databaseOptions(kind: DatabaseKind): Promise<string> {
  const database = await createTestDatabase(kind);
  databases.push(database);
  return JSON.stringify(database.options);
}

/** Starts the built app, which saves an order and waits for its webhook to come back through the guard. */
async function deliverOnce(app: string, kind: DatabaseKind) {
  return run('node', ['dist/main.js'], {
    cwd: app,
    env: { PORT: String(await freePort()), DATABASE_OPTIONS: await databaseOptions(kind) },
  });
}

/** The package's migrations command, from the app's node_modules, on the app's compiled DataSource file. */
async function migrationsCli(app: string, kind: DatabaseKind): Promise<Array<number | null>> {
  const env = { DATABASE_OPTIONS: await databaseOptions(kind) };
  const cli = (command: string) =>
    run('npx', ['webhook-outbox', command, '--data-source', 'dist/data-source.js'], { cwd: app, env });
  const codes: Array<number | null> = [];
  for (const command of ['status', 'migrate', 'status']) {
    const result = await cli(command);
    codes.push(result.code);
    if (result.code !== 0 && codes.length !== 1)
      throw new Error(`webhook-outbox ${command} exited ${result.code}:\n${result.output}`);
  }
  return codes;
}

beforeAll(async () => {
  tarballs = await packPackages(work);
});

afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('ship what runs, with their licence and no build leftovers', async () => {
    for (const tarball of Object.values(tarballs)) {
      const listing = await runOrThrow('tar', ['-tzf', tarball], { cwd: work });
      const files = listing.trim().split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          'package/LICENSE',
          'package/README.md',
          'package/package.json',
          'package/dist/index.js',
          'package/dist/cjs/index.js',
          'package/dist/cjs/package.json',
        ]),
      );
      expect(files.filter((file) => /tsbuildinfo|\.spec\.|\/src\//.test(file))).toEqual([]);
    }
  });

  it.each(['@webhook-outbox/signature', '@webhook-outbox/nestjs'])(
    '%s passes publint and Are the Types Wrong (ESM, CommonJS and node10 importers)',
    async (name) => {
      const publint = await run('npx', ['publint', 'run', tarballs[name]!, '--strict'], { cwd: WORKSPACE });
      expect(publint.output).toMatch(/All good/);
      expect(publint.code).toBe(0);
      const attw = await run(
        'npx',
        ['attw', tarballs[name]!, '--format', 'ascii', '--exclude-entrypoints', ...ESM_ONLY_ENTRYPOINTS],
        { cwd: WORKSPACE },
      );
      expect(attw.output).toMatch(/No problems found/);
      expect(attw.code).toBe(0);
    },
  );

  it('@webhook-outbox/nestjs/testing/vitest passes Are the Types Wrong for ESM importers, the only ones Vitest has', async () => {
    const attw = await run(
      'npx',
      ['attw', tarballs['@webhook-outbox/nestjs']!, '--format', 'ascii', '--profile', 'esm-only'],
      { cwd: WORKSPACE },
    );
    expect(attw.output).toMatch(
      /"@webhook-outbox\/nestjs\/testing\/vitest"\s+node16 \(from ESM\): 🟢 \(ESM\)\s+bundler: 🟢/,
    );
    expect(attw.code).toBe(0);
  });
});

/** The specs both apps must meet: a webhook delivered from each server database, and the migrations command. */
function specifyConsumerApp(app: () => string): void {
  it.each(SERVER_DATABASES)("delivers an entity's webhook, signed and verified by the guard, on %s", async (kind) => {
    const result = await deliverOnce(app(), kind);
    expect(result.output).toMatch(/delivered .*"type":"order\.created".*"total":"9\.90"/);
    expect(result.code).toBe(0);
  });

  it('migrates a fresh database with `npx webhook-outbox migrate --data-source` on its compiled DataSource file', async () => {
    expect(await migrationsCli(app(), DATABASE!)).toEqual([1, 0, 0]);
  });
}

describe.skipIf(!DATABASE)('an ESM application on NestJS 12 + TypeORM 1.x, outside the workspace', () => {
  let app: string;

  beforeAll(async () => {
    app = await installConsumerApp('esm-app', work, tarballs);
  });

  specifyConsumerApp(() => app);

  it('loads the ESM build of the package', async () => {
    const script =
      "console.log(import.meta.resolve('@webhook-outbox/nestjs'), import.meta.resolve('@webhook-outbox/signature'))";
    const output = await runOrThrow('node', ['--input-type=module', '-e', script], { cwd: app });
    expect(output).toMatch(/nestjs\/dist\/index\.js .*signature\/dist\/index\.js/);
  });

  it("passes its own Vitest spec of its webhooks, written with the package's testing harness", async () => {
    const result = await run('npx', ['vitest', 'run'], {
      cwd: app,
      env: { NO_COLOR: '1', DATABASE_OPTIONS: await databaseOptions(DATABASE!) },
    });
    expect(result.output).toMatch(/Tests\s+3 passed \(3\)/);
    expect(result.code).toBe(0);
  });

  it("type-checks that spec, the matchers' types declared as the Testing guide shows", async () => {
    const result = await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: app });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports a wrong argument to toHaveSent() as a type error in the spec', async () => {
    const spec = readFileSync(join(app, 'src', 'order-webhooks.spec.ts'), 'utf8');
    const typo = join(app, 'src', 'typo.spec.ts');
    writeFileSync(typo, spec.replace("toHaveSent('order.created', ", 'toHaveSent(201, '));
    try {
      const result = await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: app });
      expect(result.output).toMatch(
        /typo\.spec\.ts\(\d+,\d+\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/,
      );
      expect(result.code).not.toBe(0);
    } finally {
      rmSync(typo);
    }
  });
});

describe.skipIf(!DATABASE)(
  'a `nest new`-shaped CommonJS application on NestJS 11 + TypeORM 0.3 with Jest 29, outside the workspace',
  () => {
    let app: string;

    beforeAll(async () => {
      app = await installConsumerApp('cjs-jest-app', work, tarballs, { extensionless: true });
    });

    it('compiles to CommonJS, which requires the CommonJS build of the package', async () => {
      expect(readFileSync(join(app, 'dist', 'app.module.js'), 'utf8')).toContain('require("@webhook-outbox/nestjs")');
      const output = await runOrThrow(
        'node',
        ['-p', "require.resolve('@webhook-outbox/nestjs') + ' ' + require.resolve('@webhook-outbox/signature')"],
        { cwd: app },
      );
      expect(output).toMatch(/nestjs\/dist\/cjs\/index\.js .*signature\/dist\/cjs\/index\.js/);
    });

    specifyConsumerApp(() => app);

    it("passes its Jest specs, the testing harness's among them, on `nest new`'s configuration plus the guide's matcher set-up", async () => {
      const result = await run('npx', ['jest', '--ci'], {
        cwd: app,
        env: { PORT: String(await freePort()), DATABASE_OPTIONS: await databaseOptions(DATABASE!) },
      });
      expect(result.output).toMatch(/Tests:\s+6 passed, 6 total/);
      expect(result.code).toBe(0);
    });
  },
);
