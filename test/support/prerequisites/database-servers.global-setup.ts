import { readdirSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DATABASE_KINDS } from '../test-databases.js';
import { MissingPrerequisiteError } from './missing-prerequisite.error.js';

/**
 * The shared PostgreSQL and MariaDB servers the suites make their databases on (test-databases.ts), checked once
 * before any test: a server that does not answer stops the run with the command that starts it (the ones .ci/run
 * uses). WEBHOOK_TEST_DATABASES narrows the check as it narrows the suites; WEBHOOK_TEST_PG_PORT and
 * WEBHOOK_TEST_MARIADB_PORT point it elsewhere.
 */
export default async function checkDatabaseServers(): Promise<void> {
  if (DATABASE_KINDS.includes('postgres')) await checkPostgres(Number(process.env.WEBHOOK_TEST_PG_PORT ?? 5432));
  if (DATABASE_KINDS.includes('mariadb')) await checkMariadb(Number(process.env.WEBHOOK_TEST_MARIADB_PORT ?? 3306));
}

async function checkPostgres(port: number): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'test',
    connectionTimeoutMillis: 5_000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '3D000') {
      throw new MissingPrerequisiteError(
        `PostgreSQL on 127.0.0.1:${port} has no database "test".`,
        `Create it:  psql -h 127.0.0.1 -p ${port} -U postgres -c 'create database test'`,
      );
    }
    throw new MissingPrerequisiteError(
      `PostgreSQL is not answering on 127.0.0.1:${port} as user postgres (${reasonOf(error)}).`,
      `Start it:  pg_ctlcluster --skip-systemctl-redirect ${postgresVersion()} main start`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkMariadb(port: number): Promise<void> {
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      password: '',
      database: 'test',
      connectTimeout: 5_000,
    });
    await connection.query('SELECT 1');
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_BAD_DB_ERROR') {
      throw new MissingPrerequisiteError(
        `MariaDB on 127.0.0.1:${port} has no database "test".`,
        `Create it:  mariadb -h127.0.0.1 -P${port} -uroot -e 'create database if not exists test'`,
      );
    }
    throw new MissingPrerequisiteError(
      `MariaDB is not answering on 127.0.0.1:${port} as root without a password (${reasonOf(error)}).`,
      'Start it:  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
    );
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

/** The installed cluster's version (Debian's /etc/postgresql/<version>/main), for a start command that runs as is. */
function postgresVersion(): string {
  try {
    return readdirSync('/etc/postgresql')[0] ?? '<version>';
  } catch {
    return '<version>';
  }
}

function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}
