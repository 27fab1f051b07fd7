import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { WebhookBodyFormat, WebhookPayloadFormat } from '../../options/webhook-endpoint.options.js';
import type { WebhookFilter } from '../../options/webhook-filter.types.js';
import type { WebhookRateLimit } from '../../options/webhook-endpoint.options.js';
import { epochMillis } from '../epoch-millis.transformer.js';

/** One signing secret of a stored endpoint as kept in the table: sealed when encryption keys are configured. */
export interface StoredEndpointSecret {
  /** `whsec_...` in plaintext, or `enc:v1:...` sealed with AES-256-GCM. */
  secret: string;
  /** When a rotated-out secret stops signing (epoch ms); `null` for the current one. */
  expiresAt: number | null;
}

const json = <T>() => ({
  to: (value: T) => (value == null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value == null ? value : (JSON.parse(value) as T)),
});

/**
 * An endpoint as every instance sees it: one created at runtime through `WebhookEndpoints` (e.g. by a SaaS customer),
 * or one declared in module options ("code endpoint"), registered here by each instance that declares it at start.
 * A deleted or retired endpoint stays as a row without credentials (`retiredAt`), so every instance knows it is gone.
 */
@Entity({ name: 'webhook_endpoint' })
@Index('IDX_webhook_endpoint_tenant', ['tenant'])
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** The tenant that owns it; `null` for the application's own endpoints. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  tenant!: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  /** Subscribed event type patterns, as a JSON array. */
  @Column({ name: 'event_types', type: 'text', transformer: json<string[]>() })
  eventTypes!: string[];

  @Column({ type: 'varchar', length: 8 })
  method!: 'POST' | 'GET';

  @Column({ name: 'body_format', type: 'varchar', length: 16 })
  bodyFormat!: WebhookBodyFormat;

  @Column({ name: 'payload_format', type: 'varchar', length: 8 })
  payloadFormat!: WebhookPayloadFormat;

  /** Extra request headers, as a JSON object. */
  @Column({ type: 'text', transformer: json<Record<string, string>>() })
  headers!: Record<string, string>;

  /** Signing secrets, current first, as a JSON array; during a rotation the previous one signs too until it expires. */
  @Column({ type: 'text', transformer: json<StoredEndpointSecret[]>() })
  secrets!: StoredEndpointSecret[];

  /** Whether requests carry the trace context headers (`traceparent`, `tracestate`). */
  @Column({
    name: 'trace_headers',
    type: 'int',
    default: 1,
    transformer: {
      to: (value: boolean | undefined) => (value === false ? 0 : 1),
      from: (value: unknown) => Number(value) !== 0,
    },
  })
  traceHeaders!: boolean;

  /** Conditions an event must meet to be delivered here (JSON), or `null`. */
  @Column({ type: 'text', nullable: true, transformer: json<WebhookFilter | null>() })
  filter!: WebhookFilter | null;

  /** A JMESPath expression reshaping what it is sent (see `WebhookEndpoints.create()`), or `null`. */
  @Column({ type: 'text', nullable: true })
  transform!: string | null;

  /** Sends per window shared by every instance (`{ perSecond }` or `{ perMinute }`, JSON), or `null`. */
  @Column({ name: 'rate_limit', type: 'text', nullable: true, transformer: json<WebhookRateLimit | null>() })
  rateLimit!: WebhookRateLimit | null;

  /** Where it was declared: `database` (created through `WebhookEndpoints`) or `options` (a code endpoint). */
  @Column({ type: 'varchar', length: 16, default: 'database' })
  source!: 'database' | 'options';

  /**
   * Whether a code endpoint has a function transformation: it cannot be stored, so its deliveries are transformed
   * and sent only by instances that declare the endpoint (see `EndpointRegistry`).
   */
  @Column({
    name: 'code_transform',
    type: 'int',
    default: 0,
    transformer: {
      to: (value: boolean | undefined) => (value === true ? 1 : 0),
      from: (value: unknown) => Number(value) !== 0,
    },
  })
  codeTransform!: boolean;

  /** When an instance last declared this code endpoint (epoch ms; each declaring instance renews it); `null` otherwise. */
  @Column({ name: 'declared_at', type: 'bigint', nullable: true, transformer: epochMillis })
  declaredAt!: number | null;

  /** When it was deleted, or retired because no instance declared it any more (epoch ms); `null` while it exists. */
  @Column({ name: 'retired_at', type: 'bigint', nullable: true, transformer: epochMillis })
  retiredAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: number;
}
