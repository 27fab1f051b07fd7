import type { EntityMetadata, ObjectLiteral } from 'typeorm';
import { sameColumnValue, serializeColumnValue } from './column-value.serializer.js';
import type { FieldChange } from './entity-change.js';

type ColumnMetadata = EntityMetadata['columns'][number];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  // Most columns are not embedded: no path to walk (this runs for every column of every captured row).
  if (!path.includes('.')) {
    target[path] = value;
    return;
  }
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function columnValueIn(column: ColumnMetadata, sources: ReadonlyArray<ObjectLiteral | undefined>): unknown {
  for (const source of sources) {
    if (source === undefined || source === null) continue;
    const value = column.getEntityValue(source);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The entity's column values as a plain object keyed by property path, each taken from the first source that has
 * it, in the form its declared type gives it (`serializeColumnValue`). Several sources because TypeORM hands subscribers partial objects: `save({ id, status })` gives only the
 * saved fields, while the loaded database row has the rest; after a removal the key is only in `entityId`.
 */
export function snapshotColumns(
  metadata: EntityMetadata,
  ...sources: Array<ObjectLiteral | undefined>
): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    const value = columnValueIn(column, sources);
    if (value !== undefined) setPath(snapshot, column.propertyPath, serializeColumnValue(column, value));
  }
  return snapshot;
}

/**
 * The state after an update: the loaded row with the updated columns (and those TypeORM maintains itself, the
 * update date and version) taken from the saved object. Not simply the saved object first: after a partial
 * `save({ id, name })`, TypeORM hands subscribers an object whose other nullable columns are `null` (PostgreSQL,
 * MySQL), though the row keeps its values.
 */
export function snapshotAfterUpdate(
  metadata: EntityMetadata,
  saved: ObjectLiteral,
  loaded: ObjectLiteral,
  updatedColumns: readonly ColumnMetadata[],
): Record<string, unknown> {
  const updated = new Set(updatedColumns);
  const snapshot: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    const fromSaved = updated.has(column) || column.isUpdateDate || column.isVersion;
    const value = fromSaved ? columnValueIn(column, [saved, loaded]) : columnValueIn(column, [loaded, saved]);
    if (value !== undefined) setPath(snapshot, column.propertyPath, serializeColumnValue(column, value));
  }
  return snapshot;
}

/**
 * Old and new values of the given columns whose values differ once each is in its webhook form
 * (`serializeColumnValue`). TypeORM compares what the driver returned with what the application set, so it reports
 * columns whose value did not change: SQLite hands back `9.9` for a `decimal(10,2)` saved as `'9.90'`.
 */
export function changedFields(
  columns: readonly ColumnMetadata[],
  before: ObjectLiteral | undefined,
  after: ObjectLiteral,
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const column of columns) {
    const old = before === undefined ? undefined : serializeColumnValue(column, column.getEntityValue(before));
    const now = serializeColumnValue(column, column.getEntityValue(after));
    if (before !== undefined && sameColumnValue(column, old, now)) continue;
    changes[column.propertyPath] = { old, new: now };
  }
  return changes;
}

/** The primary key as a string: the value itself for one column, JSON for a composite key. */
export function describeId(metadata: EntityMetadata, snapshot: ObjectLiteral): string | null {
  const values = metadata.primaryColumns.map((column) => column.getEntityValue(snapshot));
  if (values.some((value) => value === undefined || value === null)) return null;
  if (values.length === 1) return String(values[0]);
  return JSON.stringify(
    Object.fromEntries(metadata.primaryColumns.map((column, i) => [column.propertyPath, values[i]])),
  );
}

/** Whether `path` or a property under it (an embedded column) is among the changes. */
export function changedUnder(changes: Record<string, FieldChange> | undefined, path: string): boolean {
  return Object.keys(changes ?? {}).some((changed) => changed === path || changed.startsWith(`${path}.`));
}

/** A copy of a snapshot without the given property paths (and whatever is under them). */
export function redactSnapshot(snapshot: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  if (paths.length === 0) return snapshot;
  const copy = structuredClone(snapshot);
  for (const path of paths) {
    const parts = path.split('.');
    let node: Record<string, unknown> | undefined = copy;
    for (const part of parts.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
    if (node && typeof node === 'object') delete node[parts[parts.length - 1]!];
  }
  return copy;
}

/** The changes without those of the given property paths (and of what is under them). */
export function redactChanges(
  changes: Record<string, FieldChange>,
  paths: readonly string[],
): Record<string, FieldChange> {
  if (paths.length === 0) return changes;
  return Object.fromEntries(
    Object.entries(changes).filter(
      ([changed]) => !paths.some((path) => changed === path || changed.startsWith(`${path}.`)),
    ),
  );
}
