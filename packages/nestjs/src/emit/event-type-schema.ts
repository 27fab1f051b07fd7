import type { EntityMetadata } from 'typeorm';
import { columnValueKind } from './column-value.serializer.js';
import type { EntityChangeKind } from './entity-change.js';
import type { EmissionRule } from './webhook-metadata.accessor.js';

type ColumnMetadata = EntityMetadata['columns'][number];

/** A JSON Schema (draft 2020-12) object. */
export type JsonSchema = Record<string, unknown>;

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const INTEGER = new Set(['int', 'integer', 'int2', 'int4', 'smallint', 'tinyint', 'mediumint']);
const DECIMAL_TEXT = '^-?[0-9]+(\\.[0-9]+)?$';

function nullable(schema: JsonSchema, column: ColumnMetadata): JsonSchema {
  if (!column.isNullable && !column.relationMetadata) return schema;
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** The schema of one column's values in a webhook: the form `serializeColumnValue` gives them. */
export function columnSchema(column: ColumnMetadata): JsonSchema {
  // A relation's join column (`warehouse.id`) holds the key of the related row: the referenced column's values.
  if (column.relationMetadata)
    return nullable(column.referencedColumn ? columnSchema(column.referencedColumn) : {}, column);
  // A transformer gives the form the application chose: nothing is known about it.
  if (column.transformer) return {};
  // TypeORM stores a `Number` column as an integer on every driver.
  const type = typeof column.type === 'string' ? column.type.toLowerCase() : column.type === Number ? 'integer' : '';
  let schema: JsonSchema;
  switch (columnValueKind(column)) {
    case 'decimal-string':
      schema = { type: 'string', pattern: DECIMAL_TEXT };
      break;
    case 'number':
      schema = { type: INTEGER.has(type) ? 'integer' : 'number' };
      break;
    case 'boolean':
      schema = { type: 'boolean' };
      break;
    case 'date':
      schema = { type: 'string', format: 'date' };
      break;
    case 'timestamp':
      schema = { type: 'string', format: 'date-time' };
      break;
    default:
      if (column.enum?.length) schema = { enum: [...column.enum] };
      else if (type === 'uuid' || column.generationStrategy === 'uuid') schema = { type: 'string', format: 'uuid' };
      else if (type === 'json' || type === 'jsonb' || type === 'simple-json') schema = {};
      else if (type === 'simple-array') schema = { type: 'array', items: { type: 'string' } };
      else schema = { type: 'string' };
  }
  if (column.isArray) schema = { type: 'array', items: schema };
  return nullable(schema, column);
}

/** Sets `schema` at a dot path of an object schema, creating the embedded objects on the way. */
function place(root: JsonSchema, path: string, schema: JsonSchema): void {
  const parts = path.split('.');
  let node = root;
  for (const part of parts.slice(0, -1)) {
    const properties = node.properties as Record<string, JsonSchema>;
    properties[part] ??= { type: 'object', properties: {}, additionalProperties: false };
    node = properties[part]!;
  }
  (node.properties as Record<string, JsonSchema>)[parts[parts.length - 1]!] = schema;
}

/** Whether `path` is redacted by the rule: itself or an embedded object it is under. */
function redacted(rule: EmissionRule, path: string): boolean {
  return rule.redact.some((hidden) => path === hidden || path.startsWith(`${hidden}.`));
}

/**
 * The row as the rule sends it by default: its columns, redacted and excluded ones absent. A relation is its key
 * object (`{ "id": 7 }`, or `null`), or, for the rule's `relations`, the related row's columns when loaded (left open:
 * whether it is loaded depends on the save).
 */
function rowSchema(rule: EmissionRule): JsonSchema {
  const root: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };
  const properties = root.properties as Record<string, JsonSchema>;
  for (const column of rule.metadata.columns) {
    const relation = column.relationMetadata?.propertyPath;
    if (redacted(rule, column.propertyPath) || (relation !== undefined && redacted(rule, relation))) continue;
    if (relation !== undefined && rule.relations.includes(relation)) {
      properties[relation] = { type: ['object', 'array', 'null'] };
      continue;
    }
    place(root, column.propertyPath, columnSchema(column));
    if (relation !== undefined && !relation.includes('.'))
      properties[relation] = { ...properties[relation]!, type: ['object', 'null'] };
  }
  return root;
}

/** An update's `changes`: each changed (and not redacted) column with its old and new value. */
function changesSchema(rule: EmissionRule): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const column of rule.metadata.columns) {
    if (redacted(rule, column.propertyPath)) continue;
    const value = columnSchema(column);
    properties[column.propertyPath] = {
      type: 'object',
      properties: { old: value, new: value },
      required: ['old', 'new'],
      additionalProperties: false,
    };
  }
  return { type: 'object', properties, additionalProperties: false };
}

/** The envelope every event body has: `{ type, timestamp, sequence?, data, changes? }`. */
export function eventEnvelopeSchema(
  type: string,
  data: JsonSchema,
  { changes, description }: { changes?: JsonSchema; description?: string } = {},
): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: type,
    ...(description && { description }),
    type: 'object',
    properties: {
      type: { const: type },
      timestamp: { type: 'string', format: 'date-time' },
      sequence: { type: 'integer', minimum: 1 },
      data,
      ...(changes && { changes }),
    },
    required: ['type', 'timestamp', 'data'],
    additionalProperties: false,
  };
}

/**
 * The JSON Schema of an entity event's body, derived from the entity's TypeORM column metadata and the rule:
 * redacted and `@WebhookExclude` columns absent, embedded columns as objects, `changes` for updates. A rule with its
 * own `payload` function shapes `data` itself, so its `data` is left open (`{}`).
 */
export function entityEventSchema(rule: EmissionRule, type: string): JsonSchema {
  const kind = Object.entries(rule.types).find(([, named]) => named === type)?.[0] as EntityChangeKind | undefined;
  const data = rule.payload
    ? { description: `Shaped by the payload function of ${rule.entityName}'s rule.` }
    : rowSchema(rule);
  return eventEnvelopeSchema(type, data, {
    ...(kind === 'update' && { changes: changesSchema(rule) }),
    description: `${kind === undefined ? 'A snapshot (backfill)' : `The ${kind}`} of a ${rule.entityName} row.`,
  });
}

/** The body a `thin` endpoint receives of `type`: its type, time and the row's id only (`{}` when not about a row). */
export function thinEventSchema(type: string): JsonSchema {
  return eventEnvelopeSchema(type, {
    type: 'object',
    properties: { id: { type: 'string' } },
    additionalProperties: false,
  });
}
