import type { DataSource } from 'typeorm';

/**
 * The one place that knows how the TypeORM versions this package supports (0.3.20+ and 1.x) differ in the driver
 * internals it uses, the way @nestjs/typeorm keeps its own compat file. Everything else calls these functions and
 * never reaches into `dataSource.driver` for anything but TypeORM's documented, stable `Driver` members.
 * The suite runs on both versions (test/stacks/), so a difference missed here fails there.
 */

/** The parts of `Driver.escapeQueryWithParameters` both versions share; 0.3 also takes `nativeParameters`. */
interface ParameterEscapingDriver {
  escapeQueryWithParameters(sql: string, parameters: object, nativeParameters: object): [string, unknown[]];
}

const NO_NATIVE_PARAMETERS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Rewrites a `:name`-parameterised statement for the dialect: placeholders in the dialect's form and the values in
 * their order. TypeORM 0.3 requires a third argument (native parameters, prepended to the values) and throws
 * `Cannot convert undefined or null to object` without it; 1.x takes two and ignores a third.
 */
export function escapeQueryWithParameters(
  dataSource: DataSource,
  sql: string,
  parameters: Record<string, unknown>,
): [string, unknown[]] {
  return (dataSource.driver as unknown as ParameterEscapingDriver).escapeQueryWithParameters(
    sql,
    parameters,
    NO_NATIVE_PARAMETERS,
  );
}

/** The parts of a node-postgres `Client` a listening connection uses. */
export interface PostgresClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: () => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
}

/**
 * A new, unpooled node-postgres client with the pool's connection settings: the `pg` module and primary pool the
 * PostgreSQL driver loaded (`driver.postgres`, `driver.master`; the same in 0.3 and 1.x).
 */
export function newPostgresClient(dataSource: DataSource): PostgresClient {
  const driver = dataSource.driver as unknown as {
    postgres: { Client: new (options: object) => PostgresClient };
    master: { options: object };
  };
  return new driver.postgres.Client(driver.master.options);
}

/** A node-postgres query: with `values`, sent with its parameters apart (extended protocol); without, as text. */
export interface PostgresQueryConfig {
  text: string;
  values?: unknown[];
}

/** The parts of node-postgres's `Pool` and its clients that run statements. */
export interface PostgresQueryable {
  query(config: PostgresQueryConfig): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** A client checked out of the pool; `release(error)` discards a broken one. */
export interface PostgresPooledClient extends PostgresQueryable {
  release(error?: Error): void;
}

/** The node-postgres pool behind a DataSource (the primary's: `driver.master` in 0.3 and 1.x). */
export interface PostgresPool extends PostgresQueryable {
  connect(): Promise<PostgresPooledClient>;
}

/** The pool TypeORM's PostgreSQL driver connected, for statements run without a QueryRunner. */
export function postgresPool(dataSource: DataSource): PostgresPool {
  return (dataSource.driver as unknown as { master: PostgresPool }).master;
}

/** The parts of a better-sqlite3 prepared statement the SQLite store uses. */
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

/** The parts of a better-sqlite3 `Database` the SQLite store uses. */
export interface SqliteHandle {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate(): T };
}

/** The better-sqlite3 `Database` behind a DataSource's single connection (`driver.databaseConnection` in 0.3 and 1.x). */
export function sqliteHandle(dataSource: DataSource): SqliteHandle {
  return (dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
}

/**
 * Builds a DataSource's entity metadata without connecting (what `initialize()` does before it connects): the
 * protected `buildMetadatas()` of 0.3 and 1.x. For reading the entities' columns offline (the CLI's `openapi`).
 */
export async function buildEntityMetadatas(dataSource: DataSource): Promise<void> {
  await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
}
