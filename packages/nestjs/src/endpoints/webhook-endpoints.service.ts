import { Inject, Injectable } from '@nestjs/common';
import { generateWebhookSecret } from '@webhook-outbox/signature';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import { WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEndpointStateEntity } from '../outbox/entities/index.js';
import type { StoredEndpointSecret } from '../outbox/entities/webhook-endpoint.entity.js';
import type { WebhookBodyFormat, WebhookPayloadFormat } from '../options/webhook-endpoint.options.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import { dialectOf } from '../outbox/stores/sql-dialect.js';
import { runInOwnTransaction } from '../outbox/webhook-transaction.runner.js';
import { DestinationPolicy } from './destination-policy.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookEndpoint, WebhookMethod } from '../options/webhook-endpoint.options.js';
import { OUTBOX_STORE, WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { checkEndpointDefinition, type EndpointDefinitionInput } from './endpoint-definition.validator.js';
import { EndpointBackfill, type WebhookBackfillOptions, type WebhookBackfillResult } from './endpoint-backfill.service.js';
import { EndpointRegistry } from './endpoint-registry.js';
import { EndpointSecretCipher } from './endpoint-secret.cipher.js';
import { signingSecretError } from './signing-secret.check.js';
import { WebhookEventTypes } from './webhook-event-types.service.js';

/**
 * Whose endpoints a call sees. With `tenant`, only that tenant's endpoints exist for the call: any other id is
 * "not found", exactly as if it did not exist. Without it, the call sees every endpoint (operator code only).
 */
export interface WebhookTenantScope {
  tenant?: string;
}

/** What `create()` takes. Only `url` is required. */
export interface CreateWebhookEndpointInput {
  url: string;
  /** Default `['*']`. Each must match a known event type (`WebhookEventTypes`), or be `*`. */
  eventTypes?: string[];
  /** Default `POST`. */
  method?: WebhookMethod;
  /** Default `json`. */
  bodyFormat?: WebhookBodyFormat;
  /** Default `full`; `thin` sends only the type and the entity's id. */
  payloadFormat?: WebhookPayloadFormat;
  headers?: Record<string, string>;
  description?: string | null;
  /** An existing `whsec_` secret to keep (e.g. moving from another system). Default: a new one is generated. */
  secret?: string;
}

/** What `update()` takes: the fields to change. `description: null` clears it. */
export type UpdateWebhookEndpointInput = Partial<Omit<CreateWebhookEndpointInput, 'secret'>>;

/** What `rotateSecret()` takes. */
export interface RotateWebhookSecretInput {
  /** The new secret. Default: a new one is generated. */
  secret?: string;
  /**
   * How long the previous secret keeps signing beside the new one, in ms: every request carries both signatures
   * meanwhile, so the receiver can switch at any moment. Default 24 hours; `0` retires it at once.
   */
  overlap?: number;
}

/** An endpoint with the health every relay worker shares. Never includes its secrets. */
export interface WebhookEndpointStatus {
  id: string;
  /** `options` (read-only at runtime) or `database` (created with `create()`). */
  source: ResolvedWebhookEndpoint['source'];
  tenant: string | null;
  url: string;
  description: string | null;
  eventTypes: string[];
  method: WebhookMethod;
  bodyFormat: WebhookBodyFormat;
  payloadFormat: WebhookPayloadFormat;
  headers: Record<string, string>;
  /** `null` while enabled. */
  disabled: { at: number; reason: string } | null;
  /** Deliveries to it wait until then (after a 429/502/503/504); `null` if not paused. */
  pausedUntil: number | null;
  /** Start of the current run of failures with no success; `null` if the last attempt succeeded. */
  failingSince: number | null;
  /** When a previous secret still signing stops doing so; `null` when only one secret signs. */
  previousSecretExpiresAt: number | null;
}

/** A created endpoint: its status and its secret, which is returned this once and never again. */
export type CreatedWebhookEndpoint = WebhookEndpointStatus & { secret: string };

const DEFAULT_OVERLAP = 24 * 60 * 60 * 1000;
const CREATE_FIELDS = new Set(['url', 'eventTypes', 'method', 'bodyFormat', 'payloadFormat', 'headers', 'description', 'secret']);
const UPDATE_FIELDS = new Set(['url', 'eventTypes', 'method', 'bodyFormat', 'payloadFormat', 'headers', 'description']);

/**
 * The endpoints webhooks go to: those in module options and those created at runtime (stored in
 * `webhook_endpoint`, e.g. one per customer of a SaaS app). Create, read, update, delete, enable, disable, rotate
 * secrets. Every method takes an optional tenant scope; see `WebhookTenantScope`.
 */
@Injectable()
export class WebhookEndpoints {
  constructor(
    private readonly registry: EndpointRegistry,
    private readonly eventTypes: WebhookEventTypes,
    private readonly destinations: DestinationPolicy,
    private readonly cipher: EndpointSecretCipher,
    private readonly backfills: EndpointBackfill,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {}

  /** Endpoints visible in `scope`: those from options first (unscoped only), then stored ones by creation. */
  async list(scope: WebhookTenantScope = {}): Promise<WebhookEndpointStatus[]> {
    await this.registry.refresh();
    const endpoints = this.registry.all().filter((endpoint) => visible(endpoint, scope));
    return this.withHealth(endpoints);
  }

  /** One endpoint with its health, or `null` if none with this id is visible in `scope`. */
  async get(id: string, scope: WebhookTenantScope = {}): Promise<WebhookEndpointStatus | null> {
    const endpoint = await this.find(id, scope);
    return endpoint ? (await this.withHealth([endpoint]))[0]! : null;
  }

  /**
   * Stores a new endpoint and returns it with its secret (generated unless `input.secret` imports one): show the
   * secret to its owner now, it cannot be read back. Throws `WebhookValidationError` listing every field at fault.
   */
  async create(input: CreateWebhookEndpointInput, scope: WebhookTenantScope = {}): Promise<CreatedWebhookEndpoint> {
    const errors = [...unknownFields(input, CREATE_FIELDS), ...this.check(input)];
    if (scope.tenant !== undefined && (typeof scope.tenant !== 'string' || scope.tenant === '' || scope.tenant.length > 191)) {
      errors.push({ field: 'tenant', message: 'must be a non-empty string of at most 191 characters.' });
    }
    if (input.secret !== undefined) errors.push(...secretErrors(input.secret, 'secret'));
    if (errors.length > 0) throw new WebhookValidationError(errors);
    const secret = input.secret ?? generateWebhookSecret();
    const now = this.clock.now();
    const id = newOutboxId('ep');
    const row: WebhookEndpointEntity = {
      id,
      tenant: scope.tenant ?? null,
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.eventTypes ?? ['*'],
      method: input.method ?? 'POST',
      bodyFormat: input.bodyFormat ?? 'json',
      payloadFormat: input.payloadFormat ?? 'full',
      headers: { ...input.headers },
      secrets: [{ secret: this.cipher.seal(secret, id), expiresAt: null }],
      createdAt: now,
      updatedAt: now,
    };
    await this.dataSource.getRepository(WebhookEndpointEntity).insert(row);
    this.registry.invalidate();
    // A new endpoint has no health record yet.
    return { ...status(this.registry.resolveStored(row), undefined, now), secret };
  }

  /** Changes the given fields of a stored endpoint. Endpoints from options are changed in the options. */
  async update(id: string, patch: UpdateWebhookEndpointInput, scope: WebhookTenantScope = {}): Promise<WebhookEndpointStatus> {
    const unknown = unknownFields(patch, UPDATE_FIELDS);
    if (unknown.length > 0) throw new WebhookValidationError(unknown);
    const changes = definedFields(patch);
    const updated = await this.modifyStored(id, scope, (row) => {
      // The whole result is checked (e.g. GET with a form body), but only the patched fields against known types.
      const errors = this.check({ ...row, ...changes, eventTypes: patch.eventTypes });
      if (errors.length > 0) throw new WebhookValidationError(errors);
      Object.assign(row, changes, patch.headers !== undefined && { headers: { ...patch.headers } });
    });
    return (await this.withHealth([this.registry.resolveStored(updated)]))[0]!;
  }

  /**
   * Deletes a stored endpoint. Its delivery log stays. Its pending deliveries fail at once with `endpoint-deleted`;
   * one a worker is sending right now finishes that attempt (and fails the same way if it would be retried).
   */
  async delete(id: string, scope: WebhookTenantScope = {}): Promise<void> {
    await this.requireStored(id, scope);
    const now = this.clock.now();
    await runInOwnTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(WebhookEndpointEntity).delete({ id });
      await manager.getRepository(WebhookEndpointStateEntity).delete({ endpointId: id });
      await manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ status: 'failed', failureReason: 'endpoint-deleted', lastError: `endpoint "${id}" was deleted`, updatedAt: now, completedAt: now })
        .where("endpoint_id = :id AND status = 'pending' AND (locked_until IS NULL OR locked_until <= :now)", { id, now })
        .callListeners(false)
        .execute();
    });
    this.registry.invalidate();
  }

  /**
   * Gives a stored endpoint a new secret and returns it. The previous one keeps signing beside it for
   * `overlap` (default 24 h), then stops. Every secret is (re)sealed with the current encryption key.
   */
  async rotateSecret(id: string, input: RotateWebhookSecretInput = {}, scope: WebhookTenantScope = {}): Promise<{ secret: string; previousSecretExpiresAt: number | null }> {
    const overlap = input.overlap ?? DEFAULT_OVERLAP;
    const errors = unknownFields(input, new Set(['secret', 'overlap']));
    if (!Number.isInteger(overlap) || overlap < 0) errors.push({ field: 'overlap', message: 'must be a whole number of milliseconds ≥ 0.' });
    if (input.secret !== undefined) errors.push(...secretErrors(input.secret, 'secret'));
    if (errors.length > 0) throw new WebhookValidationError(errors);
    const secret = input.secret ?? generateWebhookSecret();
    const now = this.clock.now();
    const expiresAt = overlap > 0 ? now + overlap : null;
    await this.modifyStored(id, scope, (row) => {
      const previous = row.secrets.find((stored) => stored.expiresAt === null);
      const stillSigning = row.secrets.filter((stored) => stored.expiresAt !== null && stored.expiresAt > now);
      const kept: StoredEndpointSecret[] = [...stillSigning, ...(previous && expiresAt !== null ? [{ ...previous, expiresAt }] : [])];
      row.secrets = [
        { secret: this.cipher.seal(secret, row.id), expiresAt: null },
        ...kept.map((stored) => ({ secret: this.cipher.seal(this.cipher.open(stored.secret, row.id), row.id), expiresAt: stored.expiresAt })),
      ];
    });
    return { secret, previousSecretExpiresAt: expiresAt };
  }

  /**
   * Seals every stored secret with the current (first) encryption key: plaintext ones and those sealed with an older
   * key. Run it after putting a new key first; then the old key can be removed. Returns how many endpoints changed.
   */
  async resealSecrets(): Promise<number> {
    const rows = await this.dataSource.getRepository(WebhookEndpointEntity).find({ select: { id: true, secrets: true } });
    let changed = 0;
    for (const { id, secrets } of rows) {
      if (secrets.every((stored) => this.cipher.isCurrent(stored.secret))) continue;
      await this.writeStored(id, (row) => {
        row.secrets = row.secrets.map((stored) => ({ ...stored, secret: this.cipher.seal(this.cipher.open(stored.secret, id), id) }));
      });
      changed++;
    }
    return changed;
  }

  /**
   * Sends an entity's existing rows to this endpoint as `<name>.snapshot` events, e.g. when it has just subscribed:
   * in primary-key order, a short transaction per batch, only to this endpoint. Resumable: asked again after an
   * interruption, it continues after the last row it sent; asked again once complete, it sends nothing. See
   * `EndpointBackfill`.
   */
  async backfill(id: string, options: WebhookBackfillOptions, scope: WebhookTenantScope = {}): Promise<WebhookBackfillResult> {
    return this.backfills.run(await this.require(id, scope), options);
  }

  /**
   * Re-enables an endpoint and clears its pause and failure streak. Deliveries that failed while it was disabled
   * stay failed; send them with `WebhookDeliveries.retryMany({ endpointId })`.
   */
  async enable(id: string, scope: WebhookTenantScope = {}): Promise<void> {
    await this.require(id, scope);
    await this.store.enableEndpoint(id, this.clock.now());
  }

  /** Disables an endpoint: its due deliveries fail with `endpoint-disabled` instead of being sent. */
  async disable(id: string, reason = 'disabled by an operator', scope: WebhookTenantScope = {}): Promise<void> {
    await this.require(id, scope);
    await this.store.disableEndpoint(id, reason, this.clock.now());
  }

  private check(input: EndpointDefinitionInput): WebhookFieldError[] {
    return checkEndpointDefinition(input, this.destinations, { knownTypes: (pattern) => this.eventTypes.whyUnknown(pattern) });
  }

  private async find(id: string, scope: WebhookTenantScope): Promise<ResolvedWebhookEndpoint | undefined> {
    await this.registry.refresh();
    const endpoint = this.registry.get(id);
    return endpoint && visible(endpoint, scope) ? endpoint : undefined;
  }

  private async require(id: string, scope: WebhookTenantScope): Promise<ResolvedWebhookEndpoint> {
    const endpoint = await this.find(id, scope);
    if (!endpoint) throw new WebhookEndpointNotFoundError(id);
    return endpoint;
  }

  private async requireStored(id: string, scope: WebhookTenantScope): Promise<void> {
    const endpoint = await this.require(id, scope);
    if (endpoint.source === 'options') {
      throw new WebhookValidationError([{ field: 'id', message: `endpoint "${id}" is defined in WebhookModule options: change it there.` }]);
    }
  }

  /** `writeStored()` for an endpoint stored and visible in `scope`. */
  private async modifyStored(id: string, scope: WebhookTenantScope, change: (row: WebhookEndpointEntity) => void): Promise<WebhookEndpointEntity> {
    await this.requireStored(id, scope);
    return this.writeStored(id, change);
  }

  /** Reads a stored endpoint under a row lock, lets `change` modify it, and writes it back. */
  private async writeStored(id: string, change: (row: WebhookEndpointEntity) => void): Promise<WebhookEndpointEntity> {
    const row = await runInOwnTransaction(this.dataSource, async (manager: EntityManager) => {
      const repository = manager.getRepository(WebhookEndpointEntity);
      // SQLite has one writer and our queue; the servers need the lock so two rotations cannot both keep "their" old secret.
      const current = await repository.findOne({
        where: { id },
        ...(dialectOf(this.dataSource) === 'sqlite' ? {} : { lock: { mode: 'pessimistic_write' as const } }),
      });
      if (!current) throw new WebhookEndpointNotFoundError(id);
      change(current);
      // Strictly increasing, so the registry's fingerprint of the table changes with every write.
      current.updatedAt = Math.max(this.clock.now(), current.updatedAt + 1);
      await repository.save(current);
      return current;
    });
    this.registry.invalidate();
    return row;
  }

  private async withHealth(endpoints: ResolvedWebhookEndpoint[]): Promise<WebhookEndpointStatus[]> {
    if (endpoints.length === 0) return [];
    const states = await this.dataSource
      .getRepository(WebhookEndpointStateEntity)
      .findBy({ endpointId: In(endpoints.map((endpoint) => endpoint.id)) });
    const byId = new Map(states.map((state) => [state.endpointId, state]));
    const now = this.clock.now();
    return endpoints.map((endpoint) => status(endpoint, byId.get(endpoint.id), now));
  }
}

function visible(endpoint: ResolvedWebhookEndpoint, scope: WebhookTenantScope): boolean {
  return scope.tenant === undefined || endpoint.tenant === scope.tenant;
}

function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function unknownFields(input: object, allowed: ReadonlySet<string>): WebhookFieldError[] {
  if (typeof input !== 'object' || input === null) return [{ field: '(body)', message: 'must be an object.' }];
  return Object.keys(input)
    .filter((key) => !allowed.has(key))
    .map((field) => ({ field, message: `is not a field; use ${[...allowed].join(', ')}.` }));
}

function secretErrors(secret: unknown, field: string): WebhookFieldError[] {
  const message = signingSecretError(secret);
  return message === null ? [] : [{ field, message }];
}

function status(endpoint: ResolvedWebhookEndpoint, state: WebhookEndpointStateEntity | undefined, now: number): WebhookEndpointStatus {
  const previous = endpoint.secrets.find(({ expiresAt }) => expiresAt !== null && expiresAt > now);
  return {
    id: endpoint.id,
    source: endpoint.source,
    tenant: endpoint.tenant,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: [...endpoint.eventTypes],
    method: endpoint.method,
    bodyFormat: endpoint.bodyFormat,
    payloadFormat: endpoint.payloadFormat,
    headers: { ...endpoint.headers },
    disabled: state?.disabledAt != null ? { at: state.disabledAt, reason: state.disabledReason ?? '' } : null,
    pausedUntil: state?.pausedUntil != null && state.pausedUntil > now ? state.pausedUntil : null,
    failingSince: state?.failingSince ?? null,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
  };
}
