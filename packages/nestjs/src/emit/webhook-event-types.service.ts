import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { exampleEntityEvent } from './event-type-example.js';
import { type EmissionRule, WebhookMetadataAccessor } from './webhook-metadata.accessor.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { matchesEventType, parseEventTypePattern } from './event-type-pattern.js';

/** A type events are emitted with, and where it is declared. */
export interface WebhookEventTypeInfo {
  type: string;
  /** The `@EmitsWebhook` entity that emits it, or `options` for a type declared for `WebhookPublisher`. */
  source: string;
  /**
   * An example body of an entity event, shaped by its rule from sample column values (absent for a type declared in
   * options; `null` when the rule's `payload` function cannot shape a sample row).
   */
  example?: unknown;
}

/**
 * Every event type the application can emit: those of `@EmitsWebhook` entities and those declared in
 * `eventTypes` for explicit publishes. Subscriptions of stored endpoints are checked against it, so a typo is
 * refused instead of silently receiving nothing.
 */
@Injectable()
export class WebhookEventTypes implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookEventTypes.name);
  private readonly examples = new Map<string, unknown>();

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    private readonly rules: WebhookMetadataAccessor,
  ) {}

  /** Endpoints in options are not refused (types may be declared later), but a subscription to nothing is a likely typo. */
  onApplicationBootstrap(): void {
    for (const endpoint of this.options.endpoints) {
      for (const pattern of endpoint.eventTypes) {
        const why = this.whyUnknown(pattern);
        if (why) this.logger.warn(`Endpoint ${endpoint.id}: ${why}`);
      }
    }
  }

  /** Known types, sorted. Entity rules are read when the module initialises, so this is complete from then on. */
  list(): WebhookEventTypeInfo[] {
    const byType = new Map<string, EmissionRule | 'options'>();
    for (const rule of this.rules.allRules()) for (const type of Object.values(rule.types)) byType.set(type!, rule);
    // Backfills send the first rule's `<name>.snapshot`.
    for (const rule of this.rules.allRules())
      if (!byType.has(`${rule.name}.snapshot`)) byType.set(`${rule.name}.snapshot`, rule);
    for (const type of this.options.eventTypes) if (!byType.has(type)) byType.set(type, 'options');
    return [...byType]
      .map(([type, from]) =>
        from === 'options'
          ? { type, source: from }
          : { type, source: from.entityName, example: this.example(from, type) },
      )
      .sort((a, b) => a.type.localeCompare(b.type));
  }

  /** An entity event's example, made once per type (rules do not change after start-up). */
  private example(rule: EmissionRule, type: string): unknown {
    if (!this.examples.has(type)) this.examples.set(type, exampleEntityEvent(rule, type));
    return this.examples.get(type);
  }

  has(type: string): boolean {
    return this.list().some((known) => known.type === type);
  }

  /** Why `pattern` would receive nothing (naming the known types), or `null` if it matches a known type or is `*`. */
  whyUnknown(pattern: string): string | null {
    const parsed = parseEventTypePattern(pattern);
    if (parsed.kind === 'all') return null;
    const types = this.list().map((known) => known.type);
    if (types.some((type) => matchesEventType([parsed], type))) return null;
    const knownList = types.length > 0 ? types.join(', ') : 'none (no @EmitsWebhook entity, no eventTypes option)';
    return `"${pattern}" matches no known event type. Known types: ${knownList}.`;
  }
}
