import type { DataSource, EntityManager } from 'typeorm';
import { escapeQueryWithParameters } from '../../compat/typeorm-compat.js';

/**
 * Runs one `:name`-parameterised statement through `manager` (so inside its transaction, if it has one) and returns
 * the number of rows it changed. TypeORM's driver rewrites the parameters for the dialect.
 */
export async function runStatement(
  dataSource: DataSource,
  manager: EntityManager,
  sql: string,
  parameters: Record<string, unknown>,
): Promise<number> {
  const [query, values] = escapeQueryWithParameters(dataSource, sql, parameters);
  const runner = manager.queryRunner ?? dataSource.createQueryRunner();
  try {
    const result = await runner.query(query, values, true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** Runs one `:name`-parameterised read on its own pooled connection and returns its rows. */
export async function readRows(
  dataSource: DataSource,
  sql: string,
  parameters: Record<string, unknown>,
): Promise<Array<Record<string, unknown>>> {
  const [query, values] = escapeQueryWithParameters(dataSource, sql, parameters);
  return (await dataSource.query(query, values)) as Array<Record<string, unknown>>;
}
