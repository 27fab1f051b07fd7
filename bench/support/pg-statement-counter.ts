import pg from 'pg';

/** Statements sent through node-postgres in this process since `countPgStatements()`, in all and by their text. */
export interface PgStatementCount {
  readonly count: number;
  /** Each statement's first 70 characters (whitespace folded), with how often it was sent. */
  readonly byText: Map<string, number>;
  stop(): void;
}

/**
 * Counts every statement sent through node-postgres in this process until `stop()`: TypeORM, graphile-worker and
 * pg-boss all use the one `pg` installed. Counted at the client: PostgreSQL's `pg_stat_database` is flushed by each
 * backend up to 10 s late and includes autovacuum.
 */
export function countPgStatements(): PgStatementCount {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const counter = {
    count: 0,
    byText: new Map<string, number>(),
    stop: () => {
      prototype.query = original;
    },
  };
  prototype.query = function (this: unknown, ...args: unknown[]) {
    counter.count++;
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text);
    const key = text.replace(/\s+/g, ' ').slice(0, 70);
    counter.byText.set(key, (counter.byText.get(key) ?? 0) + 1);
    return original.apply(this, args);
  };
  return counter;
}
