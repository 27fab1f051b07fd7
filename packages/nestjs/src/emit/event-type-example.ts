import type { EntityMetadata } from 'typeorm';
import { columnValueKind, serializeColumnValue } from './column-value.serializer.js';
import type { EntityChange, EntityChangeKind, FieldChange } from './entity-change.js';
import { redactChanges, redactSnapshot, snapshotColumns } from './entity-snapshot.js';
import { eventBody } from './outbox-event.writer.js';
import type { EmissionRule } from './webhook-metadata.accessor.js';

type ColumnMetadata = EntityMetadata['columns'][number];

/** The example's time: fixed, so the catalog reads the same on every call. */
const EXAMPLE_TIME = Date.UTC(2026, 0, 31, 12, 0, 0);

/** A plausible value of a column, of the type its values have in a webhook. */
function sampleValue(column: ColumnMetadata, variant = 0): unknown {
  switch (columnValueKind(column)) {
    case 'decimal-string':
      return column.scale ? 12.5 + variant : 42 + variant;
    case 'number':
      return 42 + variant;
    case 'boolean':
      return variant === 0;
    case 'date':
      return new Date(2026, 0, 31 - variant);
    case 'timestamp':
      return new Date(EXAMPLE_TIME - variant * 3_600_000);
  }
  if (column.enum?.length) return column.enum[variant % column.enum.length];
  const type = typeof column.type === 'string' ? column.type : '';
  if (type === 'uuid' || column.generationStrategy === 'uuid') return '0b7e1c1a-4c2b-4e6d-9a51-3f0d2c8e7b10';
  if (type === 'json' || type === 'jsonb' || type === 'simple-json') return {};
  if (type === 'simple-array') return ['example'];
  return variant === 0 ? `example ${column.propertyName}` : `earlier ${column.propertyName}`;
}

/** An entity with a sample value in every column (`variant` 1: an earlier state, for `previous`). */
function sampleRow(metadata: EntityMetadata, variant = 0): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of metadata.columns)
    if (!column.relationMetadata) column.setEntityValue(row, sampleValue(column, variant));
  return snapshotColumns(metadata, row);
}

/** The column an example update changes: the rule's first trigger column, or the first that is not a key or a date. */
function changedColumn(rule: EmissionRule, metadata: EntityMetadata): ColumnMetadata | undefined {
  const candidates = metadata.columns.filter(
    (column) => !column.relationMetadata && !column.isPrimary && !column.isCreateDate && !column.isUpdateDate,
  );
  return (
    candidates.find((column) => rule.columns?.includes(column.propertyPath)) ??
    candidates.find((column) => !rule.redact.includes(column.propertyPath))
  );
}

/**
 * An example body of `type` as the rule sends it: a row with a sample value of the right type in every column,
 * through the same redaction, `payload` and envelope as a real event (`changes` for an update). `null` when the
 * rule's own `payload` function cannot shape the sample row (it threw): better no example than a wrong one.
 */
export function exampleEntityEvent(rule: EmissionRule, type: string): unknown {
  const { metadata } = rule;
  const kind = (Object.entries(rule.types).find(([, named]) => named === type)?.[0] ?? 'snapshot') as
    | EntityChangeKind
    | 'snapshot';
  const entity = redactSnapshot(sampleRow(metadata), rule.redact);
  const change: EntityChange = { kind, type, entity };
  if (kind === 'update' || kind === 'remove' || kind === 'soft-remove' || kind === 'recover') {
    const previous = redactSnapshot({ ...entity }, rule.redact);
    const changed = kind === 'update' ? changedColumn(rule, metadata) : undefined;
    if (changed) {
      const old = serializeColumnValue(changed, sampleValue(changed, 1));
      Object.assign(previous, { [changed.propertyPath]: old });
      const changes: Record<string, FieldChange> = {
        [changed.propertyPath]: { old, new: entity[changed.propertyPath] },
      };
      change.changes = redactChanges(changes, rule.redact);
    }
    change.previous = previous;
  }
  let data: unknown = entity;
  try {
    if (rule.payload) data = rule.payload(entity, change);
  } catch {
    return null;
  }
  return JSON.parse(
    eventBody({ type, data, changes: change.changes, sequence: 1 }, new Date(EXAMPLE_TIME).toISOString()),
  );
}
