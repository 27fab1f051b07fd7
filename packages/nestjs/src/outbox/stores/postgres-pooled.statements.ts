import type { PostgresPool, PostgresQueryable } from '../../compat/typeorm-compat.js';

type QueryResult = Awaited<ReturnType<PostgresQueryable['query']>>;

/** Runs one statement with positional parameters and gives its rows. */
export type PooledRun = (sql: string, values: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * The PostgreSQL store's hot statements (claim, fan-out, outcomes) on the pool TypeORM already holds, without the
 * QueryRunner and EntityManager that `DataSource.query` builds for each call. Not named (prepared): a prepared
 * statement's generic plan, made while the tables were small, kept a sequential scan of the deliveries for every
 * outcome once the table grew (20 ms a batch at 10,000 rows); planned each time, they use the index.
 */
export class PooledStatements {
  constructor(private readonly pool: PostgresPool) {}

  /** Runs `sql` on a pooled connection, or on `on`. */
  async rows(
    sql: string,
    values: unknown[],
    on: PostgresQueryable = this.pool,
  ): Promise<Array<Record<string, unknown>>> {
    return (await on.query({ text: sql, values })).rows;
  }

  /**
   * Runs `work` in a transaction on one pooled connection, begun by `begin` (statements without parameters, sent
   * at once; `work` gets the rows each of them answered). Rolled back if `work` throws; a connection that could not
   * roll back or commit leaves the pool.
   */
  async transaction<T>(
    begin: string,
    work: (run: PooledRun, begun: Array<Array<Record<string, unknown>>>) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const results = await client.query({ text: begin }).catch((error: Error) => {
        broken = error;
        throw error;
      });
      // Several statements in `begin` answer one result each (node-postgres gives an array then).
      const answered = results as QueryResult | QueryResult[];
      const begun = (Array.isArray(answered) ? answered : [answered]).map((result) => result.rows ?? []);
      let result: T;
      try {
        result = await work((sql, values) => this.rows(sql, values, client), begun);
      } catch (error) {
        // The work's error is the one to report.
        await client.query({ text: 'ROLLBACK' }).catch((rollback: Error) => (broken = rollback));
        throw error;
      }
      await client.query({ text: 'COMMIT' }).catch((commit: Error) => {
        broken = commit;
        throw commit;
      });
      return result;
    } finally {
      client.release(broken);
    }
  }
}
