import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { DataSource, EntityMetadata } from 'typeorm';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { ENTITY_CHANGE_KINDS, type EntityChange, type EntityChangeKind } from './entity-change.js';
import { EMITS_WEBHOOK_METADATA, type EmitsWebhookOptions } from './emits-webhook.decorator.js';
import { WEBHOOK_EXCLUDE_METADATA } from './webhook-exclude.decorator.js';

const TYPE_SUFFIX: Record<EntityChangeKind, string> = {
  insert: 'created',
  update: 'updated',
  remove: 'deleted',
  'soft-remove': 'deleted',
  recover: 'restored',
};

const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** One `@EmitsWebhook` rule of an entity, resolved. */
export interface EmissionRule {
  entityName: string;
  /** The entity's TypeORM metadata (for the event catalog's examples). */
  metadata: EntityMetadata;
  /** The prefix of its default event types (`order` of `order.created`), also of backfill `<name>.snapshot` events. */
  name: string;
  types: Partial<Record<EntityChangeKind, string>>;
  /** Property paths whose change lets an update emit; `undefined`: any change. */
  columns?: readonly string[];
  /** Property paths never to emit (the rule's `redact` and the entity's `@WebhookExclude` columns). */
  redact: readonly string[];
  /** Relations sent as objects when loaded. */
  relations: readonly string[];
  /** Coalesce one row's changes in a transaction into one event. */
  coalesce: boolean;
  /** Deliver one row's events to each endpoint one after the other, in sequence order. */
  ordered: boolean;
  // The rule's functions as the user typed them for their entity; rules of every entity are kept together here.
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  payload?: (entity: any, change: EntityChange<any>) => unknown;
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  when?: (change: EntityChange<any>) => boolean;
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  tenant?: (entity: any) => string | number | null | undefined;
}

const NONE: readonly EmissionRule[] = [];

/** `OrderItemEntity` → `order_item`. */
export function defaultEventName(className: string): string {
  const base = className.replace(/Entity$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Reads `@EmitsWebhook` rules and `@WebhookExclude` columns from the entities of a DataSource. Entities are not Nest
 * providers, so they are found through TypeORM's metadata rather than Nest's discovery; nothing else reads the
 * metadata keys. Every rule is checked when the module starts, with a message naming the entity.
 */
@Injectable()
export class WebhookMetadataAccessor {
  private readonly rules = new Map<Function | string, EmissionRule[]>();
  private readonly rulesByKind = new WeakMap<readonly EmissionRule[], Map<EntityChangeKind, EmissionRule[]>>();

  constructor(private readonly reflector: Reflector) {}

  /** Collects the rules of every decorated entity known to `dataSource`. */
  load(dataSource: DataSource): void {
    for (const metadata of dataSource.entityMetadatas) {
      if (typeof metadata.target !== 'function') continue;
      const options = this.reflector.get<EmitsWebhookOptions[] | undefined>(EMITS_WEBHOOK_METADATA, metadata.target);
      if (options?.length) this.rules.set(metadata.target, this.resolveAll(metadata, options));
    }
  }

  /** Every loaded rule. */
  allRules(): EmissionRule[] {
    return [...this.rules.values()].flat();
  }

  /**
   * The rules of an entity, in the order they are written; with `kind`, only those that emit on it (asked for every
   * change the subscriber sees, so kept rather than filtered each time). Empty if it does not emit.
   */
  rulesFor(metadata: EntityMetadata, kind?: EntityChangeKind): readonly EmissionRule[] {
    const rules = this.rules.get(metadata.target) ?? NONE;
    if (kind === undefined || rules.length === 0) return rules;
    let byKind = this.rulesByKind.get(rules);
    if (!byKind) {
      byKind = new Map();
      this.rulesByKind.set(rules, byKind);
    }
    let emitting = byKind.get(kind);
    if (!emitting) {
      emitting = rules.filter((rule) => rule.types[kind] !== undefined);
      byKind.set(kind, emitting);
    }
    return emitting;
  }

  private resolveAll(metadata: EntityMetadata, options: EmitsWebhookOptions[]): EmissionRule[] {
    const excluded = this.excludedColumns(metadata);
    const rules = options.map((rule) => this.resolve(metadata, rule, excluded));
    // One rule may use a type for two operations (remove and soft-remove are both `deleted`); two rules may not share one.
    const seen = new Set<string>();
    for (const types of rules.map((rule) => new Set(Object.values(rule.types)))) {
      for (const type of types) {
        if (seen.has(type!))
          this.fail(metadata, `two rules emit "${type}"; give one of them other types (types: { update: '...' }).`);
        seen.add(type!);
      }
    }
    return rules;
  }

  /** `@WebhookExclude` columns of the entity and the classes it extends. */
  excludedColumns(metadata: EntityMetadata): string[] {
    const excluded = new Set<string>();
    for (
      let target = metadata.target as Function;
      target && target !== Function.prototype;
      target = Object.getPrototypeOf(target)
    ) {
      for (const property of (Reflect.getOwnMetadata(WEBHOOK_EXCLUDE_METADATA, target) as string[] | undefined) ?? [])
        excluded.add(property);
    }
    return [...excluded];
  }

  private resolve(metadata: EntityMetadata, options: EmitsWebhookOptions, excluded: readonly string[]): EmissionRule {
    const name = options.name ?? defaultEventName(metadata.targetName || metadata.name);
    if (!EVENT_TYPE.test(name))
      this.fail(metadata, `name "${name}" may contain only letters, digits, "_", "-" and dots.`);
    const named = options.types ?? {};
    for (const [kind, type] of Object.entries(named)) {
      if (!ENTITY_CHANGE_KINDS.includes(kind as EntityChangeKind))
        this.fail(metadata, `types has an unknown operation "${kind}"; use ${ENTITY_CHANGE_KINDS.join(', ')}.`);
      if (typeof type !== 'string' || !EVENT_TYPE.test(type))
        this.fail(
          metadata,
          `types.${kind} "${String(type)}" is not an event type (letters, digits, "_", "-" and dots).`,
        );
    }
    const on = options.on ?? (options.types ? (Object.keys(named) as EntityChangeKind[]) : ENTITY_CHANGE_KINDS);
    const unknown = on.filter((kind) => !ENTITY_CHANGE_KINDS.includes(kind));
    if (unknown.length > 0)
      this.fail(metadata, `unknown operation(s) ${unknown.join(', ')}; use ${ENTITY_CHANGE_KINDS.join(', ')}.`);
    const types: EmissionRule['types'] = {};
    for (const kind of on) types[kind] = named[kind] ?? `${name}.${TYPE_SUFFIX[kind]}`;

    const properties = metadata.columns.map((column) => column.propertyPath);
    const known = (path: string) => properties.some((property) => property === path || property.startsWith(`${path}.`));
    for (const [option, paths] of [
      ['columns', options.columns ?? []],
      ['redact', options.redact ?? []],
    ] as const) {
      const wrong = paths.filter((path) => !known(path));
      if (wrong.length > 0)
        this.fail(
          metadata,
          `${option} names ${wrong.map((p) => `"${p}"`).join(', ')}, not a column; the columns are ${properties.join(', ')}.`,
        );
    }
    const relationNames = metadata.relations.map((relation) => relation.propertyPath);
    const notRelations = (options.relations ?? []).filter((relation) => !relationNames.includes(relation));
    if (notRelations.length > 0) {
      this.fail(
        metadata,
        `relations names ${notRelations.map((r) => `"${r}"`).join(', ')}, not a relation; the relations are ${relationNames.join(', ') || 'none'}.`,
      );
    }
    return {
      entityName: metadata.name,
      metadata,
      name,
      types,
      ...(options.columns && { columns: options.columns }),
      redact: [...new Set([...excluded, ...(options.redact ?? [])])],
      relations: options.relations ?? [],
      coalesce: options.coalesce ?? true,
      ordered: options.ordered ?? false,
      payload: options.payload,
      when: options.when,
      tenant: options.tenant,
    };
  }

  private fail(metadata: EntityMetadata, message: string): never {
    throw new WebhookConfigurationError(`@EmitsWebhook on ${metadata.name}: ${message}`);
  }
}
