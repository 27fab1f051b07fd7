import type { Logger } from '@nestjs/common';
import type { ResolvedWebhookEndpoint, WebhookRateLimit } from '../options/webhook-endpoint.options.js';
import type { WebhookEndpointEntity } from '../outbox/entities/index.js';
import type { DeclaredEndpointRow, EndpointDeclarationStore } from '../outbox/stores/endpoint-declaration.store.js';
import type { WebhookClock } from '../webhook-clock.js';
import { headersAreCurrent, openHeaders, sealHeaders } from './endpoint-headers.seal.js';
import type { EndpointSecretCipher } from './endpoint-secret.cipher.js';

/** How often a running instance renews its declarations and looks for code endpoints no instance declares (ms). */
export const DECLARATION_INTERVAL_MS = 60_000;

/**
 * A code endpoint that no running instance has declared for this long (by the webhook clock) is retired: ten missed
 * renewals, so an instance that is merely slow, or a database blip, never retires another's endpoint.
 */
export const RETIRE_AFTER_MS = 10 * 60_000;

/**
 * How long an instance that registered new or changed endpoints waits before it is up, when other instances may be
 * running: they see the change at their next registry check (at most 250 ms apart) and the round in progress ends.
 */
export const REGISTRATION_SETTLE_MS = 1_000;

/** What `registerAll()` found. */
export interface RegistrationResult {
  /** Endpoints inserted, changed or revived: other instances must load them. */
  changed: string[];
  /** Another instance declared a code endpoint recently: it may be running, with an older view of the registry. */
  othersMayRun: boolean;
}

/**
 * This instance's code endpoints (declared in module options) as registered in the database: written at start with
 * the config that declared them (signing secrets sealed like stored ones), renewed while the instance runs, and
 * the registrations no instance renews any more retired after `RETIRE_AFTER_MS`.
 */
export class CodeEndpointDeclarations {
  constructor(
    private readonly declared: readonly ResolvedWebhookEndpoint[],
    private readonly store: EndpointDeclarationStore,
    private readonly cipher: EndpointSecretCipher,
    private readonly clock: WebhookClock,
    private readonly logger: Logger,
  ) {}

  /** The ids this instance declares. */
  get ids(): string[] {
    return this.declared.map(({ id }) => id);
  }

  /** Registers every code endpoint of this instance (upsert by id: the config of the instance started last wins). */
  async registerAll(): Promise<RegistrationResult> {
    if (this.declared.length === 0) return { changed: [], othersMayRun: false };
    const now = this.clock.now();
    const othersMayRun = await this.store.anyDeclaredSince(now - RETIRE_AFTER_MS);
    const changed: string[] = [];
    for (const endpoint of this.declared) {
      const outcome = await this.store.declare(this.rowFor(endpoint), now, (current) => this.same(current, endpoint));
      if (outcome !== 'renewed') changed.push(endpoint.id);
    }
    if (changed.length > 0) this.logger.log(`Registered code endpoints in the database: ${changed.join(', ')}.`);
    return { changed, othersMayRun };
  }

  /**
   * Renews this instance's declarations (re-registering any retired meanwhile, e.g. after a pause longer than
   * `RETIRE_AFTER_MS`) and retires the code endpoints no instance has declared for `RETIRE_AFTER_MS`. Returns
   * whether the registry changed.
   */
  async maintain(): Promise<boolean> {
    const now = this.clock.now();
    let changed = false;
    for (const endpoint of this.declared) {
      // A renewal leaves the config to the instance started last: only a retired registration is rewritten.
      changed ||= (await this.store.declare(this.rowFor(endpoint), now, () => true)) !== 'renewed';
    }
    const retired = await this.store.retireUndeclared(now - RETIRE_AFTER_MS, this.ids, now);
    if (retired.length > 0) {
      this.logger.log(
        `Retired code endpoints no running instance has declared for ${RETIRE_AFTER_MS / 60_000} minutes: ` +
          `${retired.join(', ')} (their pending deliveries failed as endpoint-deleted).`,
      );
    }
    return changed || retired.length > 0;
  }

  /** The row that registers `endpoint`: its config, its secrets sealed, and whether it has a function transformation. */
  private rowFor(endpoint: ResolvedWebhookEndpoint): DeclaredEndpointRow {
    return {
      id: endpoint.id,
      tenant: null,
      url: endpoint.url,
      description: endpoint.description,
      eventTypes: [...endpoint.eventTypes],
      method: endpoint.method,
      bodyFormat: endpoint.bodyFormat,
      payloadFormat: endpoint.payloadFormat,
      headers: sealHeaders(this.cipher, { ...endpoint.headers }, endpoint.id),
      secrets: endpoint.secrets.map(({ secret, expiresAt }) => ({
        secret: this.cipher.seal(secret, endpoint.id),
        expiresAt,
      })),
      traceHeaders: endpoint.traceHeaders,
      filter: endpoint.filter,
      transform: null,
      codeTransform: endpoint.transform !== null,
      rateLimit: rateLimitOf(endpoint.rateLimit),
    };
  }

  /**
   * Whether the registered row already says what `endpoint` declares: secrets and header values compared opened,
   * and sealed with the current key.
   */
  private same(current: WebhookEndpointEntity, endpoint: ResolvedWebhookEndpoint): boolean {
    const { secrets: _secrets, headers: _headers, ...wanted } = this.rowFor(endpoint);
    const { secrets, headers, ...registered } = current;
    const fields = Object.keys(wanted) as Array<keyof typeof wanted>;
    if (fields.some((field) => JSON.stringify(registered[field]) !== JSON.stringify(wanted[field]))) return false;
    try {
      const opened = secrets.map(({ secret, expiresAt }) => ({
        secret: this.cipher.open(secret, current.id),
        expiresAt,
      }));
      return (
        secrets.every(({ secret }) => this.cipher.isCurrent(secret)) &&
        headersAreCurrent(this.cipher, headers) &&
        JSON.stringify(opened) === JSON.stringify(endpoint.secrets) &&
        JSON.stringify(openHeaders(this.cipher, headers, current.id)) === JSON.stringify(endpoint.headers)
      );
    } catch {
      // Sealed with a key this instance does not have: write its own.
      return false;
    }
  }
}

function rateLimitOf(rateLimit: ResolvedWebhookEndpoint['rateLimit']): WebhookRateLimit | null {
  if (rateLimit === null) return null;
  return rateLimit.windowMs === 1_000 ? { perSecond: rateLimit.limit } : { perMinute: rateLimit.limit };
}
