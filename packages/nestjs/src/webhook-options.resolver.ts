import { checkEndpointDefinition } from './endpoints/endpoint-definition.validator.js';
import { DestinationPolicy } from './endpoints/destination-policy.js';
import { parseEncryptionKey } from './endpoints/endpoint-secret.cipher.js';
import { type EventTypePattern, parseEventTypePattern } from './emit/event-type-pattern.js';
import { signingSecretError } from './endpoints/signing-secret.check.js';
import { compileTransform } from './endpoints/webhook-transform.js';
import { resolveRateLimit } from './endpoints/rate-limit.js';
import { WebhookConfigurationError } from './errors/webhook-configuration.error.js';
import { KEY_COLUMN_LENGTH } from './outbox/key-columns.js';
import type { ResolvedWebhookEndpoint, WebhookEndpointOptions } from './options/webhook-endpoint.options.js';
import type {
  ResolvedWebhookOptions,
  WebhookMigrationsMode,
  WebhookModuleOptions,
  WebhookRelayOptions,
  WebhookRetentionOptions,
} from './options/webhook-module.options.js';
import type { WebhookTransport } from './options/webhook-transport.js';
import { resolveWebhookReceiver } from './receive/webhook-receiver.js';

const RETENTION_DEFAULTS: Required<WebhookRetentionOptions> = {
  enabled: true,
  maxAge: 30 * 24 * 60 * 60 * 1000,
  interval: 60 * 60 * 1000,
  batchSize: 1000,
};

const RELAY_DEFAULTS: Required<WebhookRelayOptions> = {
  enabled: true,
  pollInterval: 1000,
  batchSize: 50,
  concurrency: 20,
  endpointConcurrency: 5,
  leaseDuration: 6_000,
  shutdownTimeout: 10_000,
};

const RETRY_DEFAULTS: ResolvedWebhookOptions['retry'] = {
  attempts: 12,
  initialDelay: 5000,
  factor: 4,
  maxDelay: 10 * 60 * 60 * 1000,
  jitter: 0.2,
};

const DELIVERY_DEFAULTS = {
  transport: 'axios' as WebhookTransport | 'axios' | 'node-http',
  timeout: 15_000,
  responseExcerptBytes: 4096,
  allowHttp: false,
  allowPrivateNetworks: false,
  throttlePause: 60_000,
  disableEndpointAfter: 5 * 24 * 60 * 60 * 1000,
};

const MIGRATIONS_MODES: readonly WebhookMigrationsMode[] = ['check', 'warn', 'run', 'skip'];

function fail(message: string): never {
  throw new WebhookConfigurationError(`WebhookModule: ${message}`);
}

function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) fail(`${name} must be a whole number ≥ ${min}; got ${String(value)}.`);
  return value;
}

function secretList(secret: string | string[] | undefined, where: string): string[] {
  const secrets = Array.isArray(secret) ? secret : secret === undefined ? [] : [secret];
  if (secrets.length === 0)
    fail(
      `${where}.secret is required (a whsec_ secret, or a whsk_ secret key for v1a signatures; ` +
        'generateWebhookSecret() or generateWebhookSigningKey() makes one).',
    );
  for (const s of secrets) {
    const error = signingSecretError(s);
    if (error !== null) fail(`${where}.secret is not usable: ${error}`);
  }
  return secrets;
}

function resolveEndpoint(
  endpoint: WebhookEndpointOptions,
  index: number,
  destinations: DestinationPolicy,
): ResolvedWebhookEndpoint {
  const where = `endpoints[${index}]`;
  const [first] = checkEndpointDefinition(endpoint, destinations);
  if (first) fail(`${where}.${first.field}: ${first.message}`);
  return {
    id: endpoint.id ?? endpoint.url,
    source: 'options',
    tenant: null,
    url: endpoint.url,
    secrets: secretList(endpoint.secret, where).map((secret) => ({ secret, expiresAt: null })),
    eventTypes: endpoint.eventTypes ?? ['*'],
    method: endpoint.method ?? 'POST',
    bodyFormat: endpoint.bodyFormat ?? 'json',
    payloadFormat: endpoint.payloadFormat ?? 'full',
    headers: { ...endpoint.headers },
    description: endpoint.description ?? null,
    traceHeaders: endpoint.traceHeaders ?? true,
    filter: endpoint.filter ?? null,
    transform: endpoint.transform ? compileTransform(endpoint.transform) : null,
    rateLimit: resolveRateLimit(endpoint.rateLimit),
  };
}

/** The destination rules `options` ask for (both default to `false`): what the module's one `DestinationPolicy` holds. */
export function destinationPolicyFor(options: WebhookModuleOptions = {}): DestinationPolicy {
  const { allowHttp, allowPrivateNetworks } = { ...DELIVERY_DEFAULTS, ...options.delivery };
  return new DestinationPolicy({ allowHttp, allowPrivateNetworks });
}

/**
 * Applies defaults and validates, so that a misconfiguration fails at startup with a message naming the option.
 * Endpoint URLs are judged by `destinations`, the module's one `DestinationPolicy` (by default one built from the
 * same options).
 */
export function resolveWebhookOptions(
  options: WebhookModuleOptions = {},
  destinations = destinationPolicyFor(options),
): ResolvedWebhookOptions {
  const delivery = { ...DELIVERY_DEFAULTS, ...options.delivery };
  const { transport } = delivery;
  if (
    typeof transport === 'string'
      ? transport !== 'axios' && transport !== 'node-http'
      : typeof transport?.send !== 'function'
  ) {
    fail(
      `delivery.transport must be 'axios', 'node-http' or an object with send(request); got ${JSON.stringify(transport)}.`,
    );
  }
  const endpoints = (options.endpoints ?? []).map((endpoint, index) => resolveEndpoint(endpoint, index, destinations));
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (endpoint.id.length > KEY_COLUMN_LENGTH) {
      fail(
        `endpoint id "${endpoint.id.slice(0, 40)}..." is longer than ${KEY_COLUMN_LENGTH} characters: set a shorter id.`,
      );
    }
    if (seen.has(endpoint.id)) fail(`two endpoints have the id "${endpoint.id}": give each one a distinct id.`);
    seen.add(endpoint.id);
  }

  const relay = { ...RELAY_DEFAULTS, ...options.relay };
  positiveInteger(relay.pollInterval, 'relay.pollInterval');
  positiveInteger(relay.batchSize, 'relay.batchSize');
  positiveInteger(relay.concurrency, 'relay.concurrency');
  positiveInteger(relay.endpointConcurrency, 'relay.endpointConcurrency');
  positiveInteger(relay.leaseDuration, 'relay.leaseDuration');
  positiveInteger(relay.shutdownTimeout, 'relay.shutdownTimeout', 0);

  const retry = { ...RETRY_DEFAULTS, ...options.retry };
  positiveInteger(retry.attempts, 'retry.attempts');
  positiveInteger(retry.initialDelay, 'retry.initialDelay', 0);
  positiveInteger(retry.maxDelay, 'retry.maxDelay', 0);
  if (!(retry.factor >= 1)) fail(`retry.factor must be ≥ 1; got ${String(retry.factor)}.`);
  if (!(retry.jitter >= 0 && retry.jitter < 1)) fail(`retry.jitter must be in [0, 1); got ${String(retry.jitter)}.`);
  if (retry.retryIf !== undefined && typeof retry.retryIf !== 'function') fail('retry.retryIf must be a function.');

  positiveInteger(delivery.timeout, 'delivery.timeout');
  positiveInteger(delivery.responseExcerptBytes, 'delivery.responseExcerptBytes', 0);
  positiveInteger(delivery.throttlePause, 'delivery.throttlePause', 0);
  positiveInteger(delivery.disableEndpointAfter, 'delivery.disableEndpointAfter', 0);
  if (relay.leaseDuration < 300) {
    fail(
      `relay.leaseDuration must be at least 300 ms (claims are renewed every third of it); got ${relay.leaseDuration}.`,
    );
  }

  const receivers: ResolvedWebhookOptions['receivers'] = {};
  for (const [name, receiver] of Object.entries(options.receivers ?? {})) {
    receivers[name] = resolveWebhookReceiver(receiver, `WebhookModule: receivers.${name}`, name);
  }

  const eventTypeDeclarations: ResolvedWebhookOptions['eventTypeDeclarations'] = {};
  const eventTypes = (options.eventTypes ?? []).map((declared, index) => {
    if (typeof declared === 'string') return declared;
    const where = `eventTypes[${index}]`;
    if (typeof declared !== 'object' || declared === null || typeof declared.type !== 'string')
      fail(`${where} must be a type name, or { type, schema?, description? }.`);
    if (declared.schema !== undefined && (typeof declared.schema !== 'object' || Array.isArray(declared.schema)))
      fail(`${where}.schema must be a JSON Schema object of the event's data.`);
    if (declared.description !== undefined && typeof declared.description !== 'string')
      fail(`${where}.description must be a string.`);
    eventTypeDeclarations[declared.type] = declared;
    return declared.type;
  });
  for (const type of eventTypes) {
    let pattern: EventTypePattern | undefined;
    try {
      pattern = parseEventTypePattern(type);
    } catch {
      pattern = undefined;
    }
    if (pattern?.kind !== 'exact')
      fail(`eventTypes: "${type}" is not an event type: use letters, digits, "_", "-" and dots, e.g. "invoice.paid".`);
  }

  const encryption = { keys: options.encryption?.keys ?? [] };
  encryption.keys.forEach((key, index) => {
    try {
      parseEncryptionKey(key, `encryption.keys[${index}]`);
    } catch (error) {
      fail((error as Error).message);
    }
  });

  const retention = { ...RETENTION_DEFAULTS, ...options.retention };
  positiveInteger(retention.maxAge, 'retention.maxAge');
  positiveInteger(retention.interval, 'retention.interval');
  positiveInteger(retention.batchSize, 'retention.batchSize');

  const capture = { strict: options.capture?.strict ?? false };
  if (typeof capture.strict !== 'boolean') fail(`capture.strict must be true or false; got ${String(capture.strict)}.`);

  const migrations = options.migrations ?? 'check';
  if (!MIGRATIONS_MODES.includes(migrations))
    fail(`migrations must be 'check', 'warn', 'run' or 'skip'; got ${JSON.stringify(migrations)}.`);

  return {
    endpoints,
    relay,
    retry,
    delivery,
    receivers,
    eventTypes,
    eventTypeDeclarations,
    encryption,
    retention,
    capture,
    migrations,
  };
}
