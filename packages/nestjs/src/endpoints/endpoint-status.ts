import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { WebhookEndpointStateEntity } from '../outbox/entities/index.js';
import { publicKeysOf, signatureVersionOf } from './signing-secret.check.js';
import { maskedHeaders } from './endpoint-headers.seal.js';
import type { WebhookEndpointState, WebhookEndpointStatus, WebhookTenantScope } from './webhook-endpoint.types.js';

/** Whether `scope` sees `endpoint`: with a tenant, only that tenant's endpoints exist. */
export function visible(endpoint: ResolvedWebhookEndpoint, scope: WebhookTenantScope): boolean {
  return scope.tenant === undefined || endpoint.tenant === scope.tenant;
}

/**
 * The state an endpoint's shared row puts it in at `now` (no row: active). The one place this is decided: disabled
 * before paused before failing (its latest attempts fail: a failure streak is open), else active.
 */
export function endpointStateAt(
  row: { disabledAt: number | null; pausedUntil: number | null; failingSince?: number | null } | undefined,
  now: number,
): WebhookEndpointState {
  if (row?.disabledAt != null) return 'disabled';
  if (row?.pausedUntil != null && row.pausedUntil > now) return 'paused';
  return row?.failingSince != null ? 'failing' : 'active';
}

/**
 * An endpoint with the health every worker shares, as `WebhookEndpoints` shows it: never its secrets, and its
 * custom headers by name only (each value `MASKED_HEADER_VALUE`).
 */
export function endpointStatus(
  endpoint: ResolvedWebhookEndpoint,
  state: WebhookEndpointStateEntity | undefined,
  now: number,
): WebhookEndpointStatus {
  const previous = endpoint.secrets.find(({ expiresAt }) => expiresAt !== null && expiresAt > now);
  const live = endpoint.secrets.filter(({ expiresAt }) => expiresAt === null || expiresAt > now);
  return {
    id: endpoint.id,
    source: endpoint.source,
    tenant: endpoint.tenant,
    url: endpoint.url,
    description: endpoint.description,
    traceHeaders: endpoint.traceHeaders,
    filter: endpoint.filter,
    transform: endpoint.transform?.source ?? null,
    rateLimit:
      endpoint.rateLimit === null
        ? null
        : endpoint.rateLimit.windowMs === 1_000
          ? { perSecond: endpoint.rateLimit.limit }
          : { perMinute: endpoint.rateLimit.limit },
    eventTypes: [...endpoint.eventTypes],
    method: endpoint.method,
    bodyFormat: endpoint.bodyFormat,
    payloadFormat: endpoint.payloadFormat,
    headers: maskedHeaders(endpoint.headers),
    state: endpointStateAt(state, now),
    disabled: state?.disabledAt != null ? { at: state.disabledAt, reason: state.disabledReason ?? '' } : null,
    pausedUntil: state?.pausedUntil != null && state.pausedUntil > now ? state.pausedUntil : null,
    failingSince: state?.failingSince ?? null,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
    signature: endpoint.secrets[0] ? signatureVersionOf(endpoint.secrets[0].secret) : 'v1',
    publicKeys: publicKeysOf(live.map(({ secret }) => secret)),
  };
}
