import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';

/** The databases every end-to-end suite runs on. WEBHOOK_TEST_DATABASES=sqlite,postgres narrows it. */
export type DatabaseKind = 'sqlite' | 'postgres' | 'mariadb';

export const DATABASE_KINDS: DatabaseKind[] = (process.env.WEBHOOK_TEST_DATABASES ?? 'sqlite,postgres,mariadb')
  .split(',')
  .map((kind) => kind.trim() as DatabaseKind);

// WEBHOOK_TEST_PG_PORT points the tests and probes at another cluster (a throw-away one with extensions, say).
const PG = {
  host: '127.0.0.1',
  port: Number(process.env.WEBHOOK_TEST_PG_PORT ?? 5432),
  user: 'postgres',
  database: 'test',
};
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

/** A database of its own for one test file, dropped afterwards, so parallel runs never collide. */
export interface TestDatabase {
  kind: DatabaseKind;
  options: DataSourceOptions;
  drop(): Promise<void>;
}

function uniqueName(): string {
  return `wo_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = uniqueName();
  switch (kind) {
    case 'sqlite': {
      const file = join(tmpdir(), `${name}.sqlite`);
      return {
        kind,
        options: { type: 'better-sqlite3', database: file },
        drop: async () => {
          for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
        },
      };
    }
    case 'postgres': {
      const admin = new pg.Client(PG);
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return {
        kind,
        options: { type: 'postgres', host: PG.host, port: PG.port, username: PG.user, database: name },
        drop: async () => {
          const client = new pg.Client(PG);
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    }
    case 'mariadb': {
      const admin = await mysql.createConnection(MARIADB);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return {
        kind,
        options: {
          type: 'mariadb',
          host: MARIADB.host,
          port: MARIADB.port,
          username: MARIADB.user,
          password: MARIADB.password,
          database: name,
        },
        drop: async () => {
          const client = await mysql.createConnection(MARIADB);
          await client.query(`DROP DATABASE IF EXISTS ${name}`);
          await client.end();
        },
      };
    }
  }
}
