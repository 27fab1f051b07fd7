import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { DataSource, EntityMetadata } from 'typeorm';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { ENTITY_CHANGE_KINDS, type EntityChange, type EntityChangeKind } from './entity-change.js';
import { EMITS_WEBHOOK_METADATA, type EmitsWebhookOptions } from './emits-webhook.decorator.js';

const TYPE_SUFFIX: Record<EntityChangeKind, string> = {
  insert: 'created',
  update: 'updated',
  remove: 'deleted',
  'soft-remove': 'deleted',
  recover: 'restored',
};

/** One entity's `@EmitsWebhook` options, resolved. */
export interface EmissionRule {
  entityName: string;
  types: Partial<Record<EntityChangeKind, string>>;
  payload?: (entity: any, change: EntityChange<any>) => unknown;
  when?: (change: EntityChange<any>) => boolean;
  tenant?: (entity: any) => string | number | null | undefined;
}

/** `OrderItemEntity` → `order_item`. */
export function defaultEventName(className: string): string {
  const base = className.replace(/Entity$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Reads `@EmitsWebhook` options from the entities of a DataSource. Entities are not Nest providers, so they are
 * found through TypeORM's metadata rather than Nest's discovery; nothing else reads the metadata key.
 */
@Injectable()
export class WebhookMetadataAccessor {
  private readonly rules = new Map<Function | string, EmissionRule>();

  constructor(private readonly reflector: Reflector) {}

  /** Collects the rules of every decorated entity known to `dataSource`. */
  load(dataSource: DataSource): void {
    for (const metadata of dataSource.entityMetadatas) {
      const options = typeof metadata.target === 'function' ? this.read(metadata.target) : undefined;
      if (options) this.rules.set(metadata.target, this.resolve(metadata, options));
    }
  }

  /** Every loaded rule. */
  allRules(): EmissionRule[] {
    return [...this.rules.values()];
  }

  /** The rule for an entity, or `undefined` if it does not emit. */
  ruleFor(metadata: EntityMetadata): EmissionRule | undefined {
    return this.rules.get(metadata.target);
  }

  private read(target: Function): EmitsWebhookOptions | undefined {
    return this.reflector.get<EmitsWebhookOptions | undefined>(EMITS_WEBHOOK_METADATA, target);
  }

  private resolve(metadata: EntityMetadata, options: EmitsWebhookOptions): EmissionRule {
    const name = options.name ?? defaultEventName(metadata.targetName || metadata.name);
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name)) {
      throw new WebhookConfigurationError(
        `@EmitsWebhook on ${metadata.name}: name "${name}" may contain only letters, digits, "_", "-" and dots.`,
      );
    }
    const on = options.on ?? ENTITY_CHANGE_KINDS;
    const unknown = on.filter((kind) => !ENTITY_CHANGE_KINDS.includes(kind));
    if (unknown.length > 0) {
      throw new WebhookConfigurationError(
        `@EmitsWebhook on ${metadata.name}: unknown operation(s) ${unknown.join(', ')}; use ${ENTITY_CHANGE_KINDS.join(', ')}.`,
      );
    }
    const types: EmissionRule['types'] = {};
    for (const kind of on) types[kind] = `${name}.${TYPE_SUFFIX[kind]}`;
    return { entityName: metadata.name, types, payload: options.payload, when: options.when, tenant: options.tenant };
  }
}
