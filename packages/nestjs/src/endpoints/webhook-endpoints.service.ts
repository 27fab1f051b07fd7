import { Inject, Injectable } from '@nestjs/common';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { WebhookEndpointEntity } from '../outbox/entities/index.js';
import { tenantError } from '../outbox/key-columns.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import { EndpointRowStore } from '../outbox/stores/endpoint-rows.store.js';
import { WebhookDeliveryEvents } from '../telemetry/webhook-delivery.events.js';
import type { WebhookClock } from '../webhook-clock.js';
import { OUTBOX_STORE, WEBHOOK_CLOCK } from '../webhook.tokens.js';
import { DestinationPolicy } from './destination-policy.js';
import {
  EndpointBackfill,
  type WebhookBackfillOptions,
  type WebhookBackfillResult,
} from './endpoint-backfill.service.js';
import { checkEndpointDefinition, type EndpointDefinitionInput } from './endpoint-definition.validator.js';
import { definedFields, secretErrors, unknownFields } from './endpoint-input.checks.js';
import { newSigningSecret, publicKeysOf, signatureVersionOf } from './signing-secret.check.js';
import { EndpointRegistry } from './endpoint-registry.js';
import { EndpointSecretCipher } from './endpoint-secret.cipher.js';
import { rotatedSecrets } from './secret-rotation.js';
import {
  headersAreCurrent,
  resealHeaders,
  sealedLookingHeaders,
  sealHeaders,
  updatedHeaders,
} from './endpoint-headers.seal.js';
import {
  EndpointTestEvents,
  type WebhookTestEventOptions,
  type WebhookTestEventResult,
} from './endpoint-test-event.js';
import { endpointStatus, visible } from './endpoint-status.js';
import type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  RotateWebhookSecretInput,
  UpdateWebhookEndpointInput,
  WebhookEndpointStatus,
  WebhookTenantScope,
} from './webhook-endpoint.types.js';
import { WebhookEventTypes } from '../emit/webhook-event-types.service.js';

const DEFAULT_OVERLAP = 24 * 60 * 60 * 1000;
const CREATE_FIELDS = new Set([
  'url',
  'eventTypes',
  'method',
  'bodyFormat',
  'payloadFormat',
  'headers',
  'description',
  'traceHeaders',
  'filter',
  'transform',
  'rateLimit',
  'secret',
  'signature',
]);
const UPDATE_FIELDS = new Set([...CREATE_FIELDS].filter((field) => field !== 'secret' && field !== 'signature'));

/**
 * The endpoints webhooks go to: those in module options and those created at runtime (stored in
 * `webhook_endpoint`, e.g. one per customer of a SaaS app). Create, read, update, delete, enable, disable, rotate
 * secrets. Every method takes an optional tenant scope; see `WebhookTenantScope`.
 */
@Injectable()
export class WebhookEndpoints {
  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(
    private readonly registry: EndpointRegistry,
    private readonly eventTypes: WebhookEventTypes,
    private readonly destinations: DestinationPolicy,
    private readonly cipher: EndpointSecretCipher,
    private readonly backfills: EndpointBackfill,
    private readonly testEvents: EndpointTestEvents,
    private readonly rows: EndpointRowStore,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly events: WebhookDeliveryEvents,
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
    const badTenant = scope.tenant === undefined ? null : tenantError(scope.tenant);
    if (badTenant !== null) errors.push({ field: 'tenant', message: badTenant });
    errors.push(
      ...secretErrors(input.secret, input.signature),
      ...sealedLookingHeaders(headersObject(input.headers) ?? {}),
    );
    if (errors.length > 0) throw new WebhookValidationError(errors);
    const secret = input.secret ?? newSigningSecret(input.signature ?? 'v1');
    const now = this.clock.now();
    const id = newOutboxId('ep');
    const row: WebhookEndpointEntity = {
      id,
      tenant: scope.tenant ?? null,
      url: input.url,
      description: input.description ?? null,
      traceHeaders: input.traceHeaders ?? true,
      filter: input.filter ?? null,
      transform: input.transform ?? null,
      rateLimit: input.rateLimit ?? null,
      eventTypes: input.eventTypes ?? ['*'],
      method: input.method ?? 'POST',
      bodyFormat: input.bodyFormat ?? 'json',
      payloadFormat: input.payloadFormat ?? 'full',
      headers: sealHeaders(this.cipher, { ...input.headers }, id),
      secrets: [{ secret: this.cipher.seal(secret, id), expiresAt: null }],
      source: 'database',
      codeTransform: false,
      declaredAt: null,
      retiredAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.rows.insert(row);
    this.registry.invalidate();
    // A new endpoint has no health record yet.
    return { ...endpointStatus(this.registry.resolveStored(row), undefined, now), secret };
  }

  /** Changes the given fields of a stored endpoint. Endpoints from options are changed in the options. */
  async update(
    id: string,
    patch: UpdateWebhookEndpointInput,
    scope: WebhookTenantScope = {},
  ): Promise<WebhookEndpointStatus> {
    const unknown = unknownFields(patch, UPDATE_FIELDS);
    if (unknown.length > 0) throw new WebhookValidationError(unknown);
    const changes = definedFields(patch);
    // Header values are checked as sent (opened), where a masked one keeps the value stored under its name.
    const { headers: opened } = await this.requireStored(id, scope);
    const given = headersObject(patch.headers);
    // Not an object: the check says so.
    const plain = patch.headers === undefined ? opened : given ? updatedHeaders(given, opened).headers : patch.headers;
    const updated = await this.modifyStored(id, scope, (row) => {
      // The whole result is checked (e.g. GET with a form body), but only the patched fields against known types.
      const errors = this.check({ ...row, ...changes, headers: plain, eventTypes: patch.eventTypes });
      const merged = given ? updatedHeaders(given, row.headers) : { headers: row.headers, errors: [] };
      errors.push(...merged.errors, ...sealedLookingHeaders(given ?? {}));
      if (errors.length > 0) throw new WebhookValidationError(errors);
      // Plaintext values left from before headers were sealed are sealed at the first update.
      Object.assign(row, changes, { headers: sealHeaders(this.cipher, merged.headers, row.id) });
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
    await this.rows.delete(id, now);
    this.registry.invalidate();
  }

  /**
   * Gives a stored endpoint a new secret and returns it (with its `whpk_` public key for a `v1a` one). The previous
   * one keeps signing beside it for `overlap` (default 24 h), then stops. Every secret is (re)sealed with the current encryption key.
   */
  async rotateSecret(
    id: string,
    input: RotateWebhookSecretInput = {},
    scope: WebhookTenantScope = {},
  ): Promise<{ secret: string; previousSecretExpiresAt: number | null; publicKey: string | null }> {
    const overlap = input.overlap ?? DEFAULT_OVERLAP;
    const errors = unknownFields(input, new Set(['secret', 'signature', 'overlap']));
    if (!Number.isInteger(overlap) || overlap < 0)
      errors.push({ field: 'overlap', message: 'must be a whole number of milliseconds ≥ 0.' });
    errors.push(...secretErrors(input.secret, input.signature));
    if (errors.length > 0) throw new WebhookValidationError(errors);
    const [current] = (await this.requireStored(id, scope)).secrets;
    const secret =
      input.secret ?? newSigningSecret(input.signature ?? (current ? signatureVersionOf(current.secret) : 'v1'));
    const now = this.clock.now();
    const expiresAt = overlap > 0 ? now + overlap : null;
    await this.modifyStored(id, scope, (row) => {
      row.secrets = rotatedSecrets(this.cipher, row.id, row.secrets, secret, expiresAt, now);
    });
    return { secret, previousSecretExpiresAt: expiresAt, publicKey: publicKeysOf([secret])[0] ?? null };
  }

  /**
   * Seals every stored secret and custom header value with the current (first) encryption key: plaintext ones and
   * those sealed with an older key. Run it after putting a new key first; then the old key can be removed. Returns
   * how many endpoints changed.
   */
  async resealSecrets(): Promise<number> {
    let changed = 0;
    for (const { id, secrets, headers } of await this.rows.all()) {
      if (secrets.every((stored) => this.cipher.isCurrent(stored.secret)) && headersAreCurrent(this.cipher, headers))
        continue;
      await this.writeStored(id, (row) => {
        row.secrets = row.secrets.map((stored) => ({
          ...stored,
          secret: this.cipher.seal(this.cipher.open(stored.secret, id), id),
        }));
        row.headers = resealHeaders(this.cipher, row.headers, id);
      });
      changed++;
    }
    return changed;
  }

  /**
   * Sends a `webhook.test` event (or, with `options.type`, the event catalog's example of that type) to this endpoint
   * only (as any other); a disabled one: `WebhookEndpointDisabledError`; an unknown type: `WebhookValidationError`.
   */
  async sendTestEvent(
    id: string,
    scope: WebhookTenantScope = {},
    options: WebhookTestEventOptions = {},
  ): Promise<WebhookTestEventResult> {
    return this.testEvents.send(await this.require(id, scope), options);
  }

  /**
   * Sends an entity's existing rows to this endpoint as `<name>.snapshot` events, e.g. when it has just subscribed:
   * in primary-key order, a short transaction per batch, only to this endpoint. Resumable: asked again after an
   * interruption, it continues after the last row it sent; asked again once complete, it sends nothing. See
   * `EndpointBackfill`.
   */
  async backfill(
    id: string,
    options: WebhookBackfillOptions,
    scope: WebhookTenantScope = {},
  ): Promise<WebhookBackfillResult> {
    return this.backfills.run(await this.require(id, scope), options);
  }

  /**
   * Re-enables an endpoint and clears its pause and failure streak. Deliveries that failed while it was disabled
   * stay failed; send them with `WebhookDeliveries.retryMany({ endpointId })`.
   */
  async enable(id: string, scope: WebhookTenantScope = {}): Promise<void> {
    await this.require(id, scope);
    const now = this.clock.now();
    await this.store.enableEndpoint(id, now);
    if (this.events.wants('endpoint.enabled'))
      this.events.publish({ kind: 'endpoint.enabled', endpointId: id, at: now });
  }

  /** Disables an endpoint: its due deliveries fail with `endpoint-disabled` instead of being sent. */
  async disable(id: string, reason = 'disabled by an operator', scope: WebhookTenantScope = {}): Promise<void> {
    await this.require(id, scope);
    const now = this.clock.now();
    if ((await this.store.disableEndpoint(id, reason, now)) && this.events.wants('endpoint.disabled')) {
      this.events.publish({ kind: 'endpoint.disabled', endpointId: id, reason, at: now });
    }
  }

  private check(input: EndpointDefinitionInput): WebhookFieldError[] {
    return checkEndpointDefinition(input, this.destinations, {
      knownTypes: (pattern) => this.eventTypes.whyUnknown(pattern),
    });
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

  private async requireStored(id: string, scope: WebhookTenantScope): Promise<ResolvedWebhookEndpoint> {
    const endpoint = await this.require(id, scope);
    if (endpoint.source === 'options') {
      throw new WebhookValidationError([
        { field: 'id', message: `endpoint "${id}" is defined in WebhookModule options: change it there.` },
      ]);
    }
    return endpoint;
  }

  /** `writeStored()` for an endpoint stored and visible in `scope`. */
  private async modifyStored(
    id: string,
    scope: WebhookTenantScope,
    change: (row: WebhookEndpointEntity) => void,
  ): Promise<WebhookEndpointEntity> {
    await this.requireStored(id, scope);
    return this.writeStored(id, change);
  }

  /** Lets `change` modify a stored endpoint under a row lock, and tells the registry. */
  private async writeStored(id: string, change: (row: WebhookEndpointEntity) => void): Promise<WebhookEndpointEntity> {
    const row = await this.rows.modify(id, this.clock.now(), change);
    this.registry.invalidate();
    return row;
  }

  private async withHealth(endpoints: ResolvedWebhookEndpoint[]): Promise<WebhookEndpointStatus[]> {
    const states = await this.rows.states(endpoints.map((endpoint) => endpoint.id));
    const byId = new Map(states.map((state) => [state.endpointId, state]));
    const now = this.clock.now();
    return endpoints.map((endpoint) => endpointStatus(endpoint, byId.get(endpoint.id), now));
  }
}

/** `value` if it is an object of headers (its values are checked elsewhere), else `undefined`. */
function headersObject(value: unknown): Record<string, string> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, string>)
    : undefined;
}
