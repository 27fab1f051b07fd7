import type { JsonSchema } from './event-type-schema.js';

/** What the OpenAPI document's `info` says. */
export interface WebhookOpenApiInfo {
  /** Default `Webhooks`. */
  title?: string;
  /** Default `1.0.0`. */
  version?: string;
  /** The document's `info.description`. Default none. */
  description?: string;
}

/** One event type as the document lists it. */
export interface OpenApiEventType {
  type: string;
  schema: JsonSchema;
  description?: string;
}

/** `order.created` → `OrderCreated`: a component name OpenAPI tools turn into a type name. */
function componentName(type: string): string {
  return type
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** The Standard Webhooks headers every request carries. */
const HEADERS = [
  ['webhook-id', 'The event id: the same on every attempt and replay (deduplicate on it).'],
  ['webhook-timestamp', 'Unix seconds of this attempt, signed.'],
  [
    'webhook-signature',
    "Space-separated signatures over `<id>.<timestamp>.<body>`: `v1,<base64 HMAC-SHA256>` with the endpoint's " +
      '`whsec_` secret, or `v1a,<base64 ed25519>` verified with its `whpk_` public key.',
  ],
].map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }));

/**
 * An OpenAPI 3.1 document of the webhooks an application sends: one `webhooks` entry per event type (a POST of its
 * JSON body with the Standard Webhooks headers), each body's JSON Schema under `components.schemas`, so a receiver
 * team can generate its types with any OpenAPI tool.
 */
export function webhookOpenApiDocument(types: readonly OpenApiEventType[], info: WebhookOpenApiInfo = {}): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  const webhooks: Record<string, JsonSchema> = {};
  for (const { type, schema, description } of types) {
    const name = componentName(type);
    // OpenAPI 3.1 schemas are JSON Schema 2020-12 already (the document's dialect): no `$schema` per component.
    const { $schema: _dialect, ...component } = schema;
    schemas[name] = component;
    webhooks[type] = {
      post: {
        summary: type,
        ...(description && { description }),
        operationId: `on${name}`,
        parameters: HEADERS,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
        },
        responses: {
          '2XX': { description: 'Received. Any other answer, or none within the timeout, is retried.' },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: info.title ?? 'Webhooks',
      version: info.version ?? '1.0.0',
      ...(info.description && { description: info.description }),
    },
    webhooks,
    components: { schemas },
  };
}
