import type { QueryRunner } from 'typeorm';

/** Column builders whose types the driver normalises exactly as it does for the entities (SQLite: int → integer). */
export function columnsFor(queryRunner: QueryRunner) {
  const type = (name: string) => queryRunner.connection.driver.normalizeType({ type: name as 'int' });
  const column = (name: string, typeName: string, nullable: boolean, length?: number, defaultValue?: number) => ({
    name,
    type: type(typeName),
    isNullable: nullable,
    ...(length === undefined ? {} : { length: String(length) }),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
  return {
    varchar: (name: string, length: number, nullable = false) => column(name, 'varchar', nullable, length),
    bigint: (name: string, nullable = false) => column(name, 'bigint', nullable),
    int: (name: string, nullable = false, defaultValue?: number) =>
      column(name, 'int', nullable, undefined, defaultValue),
    text: (name: string, nullable = false) => column(name, 'text', nullable),
    primaryId: () => ({ ...column('id', 'varchar', false, 64), isPrimary: true }),
  };
}
