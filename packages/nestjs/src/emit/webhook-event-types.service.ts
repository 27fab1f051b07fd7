import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { webhookOpenApiDocument, type WebhookOpenApiInfo } from './event-catalog.openapi.js';
import { exampleEntityEvent } from './event-type-example.js';
import { entityEventSchema, eventEnvelopeSchema, type JsonSchema, thinEventSchema } from './event-type-schema.js';
import { type EmissionRule, WebhookMetadataAccessor } from './webhook-metadata.accessor.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { matchesEventType, parseEventTypePattern } from './event-type-pattern.js';

/** A type events are emitted with, and where it is declared. */
export interface WebhookEventTypeInfo {
  /** The event type, e.g. `order.created`. */
  type: string;
  /** The `@EmitsWebhook` entity that emits it, or `options` for a type declared for `WebhookPublisher`. */
  source: string;
  /**
   * An example body of an entity event, shaped by its rule from sample column values (absent for a type declared in
   * options; `null` when the rule's `payload` function cannot shape a sample row).
   */
  example?: unknown;
  /**
   * The JSON Schema (draft 2020-12) of its body: derived from the entity's columns and the rule for entity events,
   * from the declaration in `eventTypes` for published ones (`data` open when none is declared).
   */
  schema: JsonSchema;
  /** The schema of what a `thin` endpoint receives of it. */
  thinSchema: JsonSchema;
  /**
   * What the event means: a generated sentence for an entity event (its change and entity); for a declared type,
   * its declaration's `description` (absent without one). Also the OpenAPI document's description of it.
   */
  description?: string;
}

/**
 * Every event type the application can emit: those of `@EmitsWebhook` entities and those declared in
 * `eventTypes` for explicit publishes. Subscriptions of stored endpoints are checked against it, so a typo is
 * refused instead of silently receiving nothing.
 */
@Injectable()
export class WebhookEventTypes implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookEventTypes.name);
  /** Each type's catalog entry, made once (rules and options do not change after start-up). */
  private readonly infos = new Map<string, WebhookEventTypeInfo>();

  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
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
    return [...this.sources()]
      .map(([type, from]) => {
        let info = this.infos.get(type);
        if (!info) {
          info = from === 'options' ? this.published(type) : this.fromEntity(from, type);
          this.infos.set(type, info);
        }
        return info;
      })
      .sort((a, b) => a.type.localeCompare(b.type));
  }

  /** Every known type and where it comes from: cheap, for the checks made on every publish. */
  private sources(): Map<string, EmissionRule | 'options'> {
    const byType = new Map<string, EmissionRule | 'options'>();
    for (const rule of this.rules.allRules()) for (const type of Object.values(rule.types)) byType.set(type!, rule);
    // Backfills send the first rule's `<name>.snapshot`.
    for (const rule of this.rules.allRules())
      if (!byType.has(`${rule.name}.snapshot`)) byType.set(`${rule.name}.snapshot`, rule);
    for (const type of this.options.eventTypes) if (!byType.has(type)) byType.set(type, 'options');
    return byType;
  }

  /**
   * The catalog as an OpenAPI 3.1 document with a `webhooks` section: each event type's body schema, to generate
   * receivers' types from (also `npx webhook-outbox openapi`, and `GET <admin>/openapi.json`).
   */
  openApi(info: WebhookOpenApiInfo = {}): Record<string, unknown> {
    return webhookOpenApiDocument(this.list(), info);
  }

  private fromEntity(rule: EmissionRule, type: string): WebhookEventTypeInfo {
    const schema = entityEventSchema(rule, type);
    return {
      type,
      source: rule.entityName,
      example: exampleEntityEvent(rule, type),
      schema,
      thinSchema: thinEventSchema(type),
      description: schema.description as string,
    };
  }

  private published(type: string): WebhookEventTypeInfo {
    const declared = this.options.eventTypeDeclarations[type];
    return {
      type,
      source: 'options',
      schema: eventEnvelopeSchema(type, declared?.schema ?? {}, { description: declared?.description }),
      thinSchema: thinEventSchema(type),
      ...(declared?.description && { description: declared.description }),
    };
  }

  /** Whether `type` (exact, not a pattern) is a known event type; `WebhookPublisher.publish()` refuses any other. */
  has(type: string): boolean {
    return this.sources().has(type);
  }

  /** Why `pattern` would receive nothing (naming the known types), or `null` if it matches a known type or is `*`. */
  whyUnknown(pattern: string): string | null {
    const parsed = parseEventTypePattern(pattern);
    if (parsed.kind === 'all') return null;
    const types = [...this.sources().keys()].sort();
    if (types.some((type) => matchesEventType([parsed], type))) return null;
    const knownList = types.length > 0 ? types.join(', ') : 'none (no @EmitsWebhook entity, no eventTypes option)';
    return `"${pattern}" matches no known event type. Known types: ${knownList}.`;
  }
}
