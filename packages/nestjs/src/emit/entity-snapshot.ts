import type { EntityMetadata, ObjectLiteral } from 'typeorm';
import type { FieldChange } from './entity-change.js';

type ColumnMetadata = EntityMetadata['columns'][number];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function valueOf(column: ColumnMetadata, sources: ReadonlyArray<ObjectLiteral | undefined>): unknown {
  for (const source of sources) {
    if (source === undefined || source === null) continue;
    const value = column.getEntityValue(source);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The entity's column values as a plain object keyed by property path, each taken from the first source that has
 * it. Several sources because TypeORM hands subscribers partial objects: `save({ id, status })` gives only the
 * saved fields, while the loaded database row has the rest; after a removal the key is only in `entityId`.
 */
export function snapshotColumns(metadata: EntityMetadata, ...sources: Array<ObjectLiteral | undefined>): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    const value = valueOf(column, sources);
    if (value !== undefined) setPath(snapshot, column.propertyPath, value);
  }
  return snapshot;
}

/** Old and new values of the columns TypeORM found changed during an update. */
export function changedFields(
  columns: readonly ColumnMetadata[],
  before: ObjectLiteral | undefined,
  after: ObjectLiteral,
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const column of columns) {
    changes[column.propertyPath] = {
      old: before === undefined ? undefined : column.getEntityValue(before),
      new: column.getEntityValue(after),
    };
  }
  return changes;
}

/** The primary key as a string: the value itself for one column, JSON for a composite key. */
export function describeId(metadata: EntityMetadata, snapshot: ObjectLiteral): string | null {
  const values = metadata.primaryColumns.map((column) => column.getEntityValue(snapshot));
  if (values.some((value) => value === undefined || value === null)) return null;
  if (values.length === 1) return String(values[0]);
  return JSON.stringify(Object.fromEntries(metadata.primaryColumns.map((column, i) => [column.propertyPath, values[i]])));
}
