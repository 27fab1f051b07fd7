import type { INestApplication } from '@nestjs/common';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from './webhook-receiver.js';

/** The parts of Nest's Express application this needs (`NestExpressApplication`), without depending on it. */
interface BodyParserApplication {
  useBodyParser(type: 'json' | 'urlencoded', options: { limit: number; extended?: boolean }): unknown;
}

/** The parts of a Fastify instance this needs, without depending on Fastify. */
interface FastifyInstanceLike {
  initialConfig: { bodyLimit?: number };
  hasContentTypeParser(type: RegExp | string): boolean;
  addContentTypeParser(
    type: RegExp,
    options: { parseAs: 'string' },
    parser: (request: unknown, body: string, done: (error: null, body: string) => void) => void,
  ): void;
}

/** XML content types (`application/xml`, `text/xml`, `application/…+xml`), which Fastify has no parser for. */
const XML_CONTENT_TYPE = /^(?:application|text)\/(?:[\w.+-]+\+)?xml(?:\s*;|$)/i;

/** What `applyWebhookBodyLimits` set or found. */
export interface WebhookBodyLimits {
  /** The largest `maxBodySize` of the app's receivers (inline ones count as the default, 1 MiB). */
  largestMaxBodySize: number;
  /** The platform's body limit now, in bytes. */
  platformLimit: number;
}

/**
 * Makes the HTTP platform's own body limit fit the app's receivers, so that a webhook up to its receiver's
 * `maxBodySize` reaches the guard, and one above it is refused by the guard (413 and a `refused` event) rather
 * than by the platform's parser, silently, before any guard runs. Call it after creating the app, before listening.
 *
 * - **Express** (default limit 100 kB): sets the JSON and urlencoded parsers' limit to twice the largest
 *   `maxBodySize`, for every route of the app (Express parses bodies before routing). Bodies up to that are read and
 *   judged by the guard; larger ones get the platform's 413 (add `PlatformClientErrorsFilter` to keep it out of the
 *   error log).
 * - **Fastify**: its limit is fixed when the adapter is made; this checks it (it must be at least the largest
 *   `maxBodySize`, and is best twice that) and refuses to start with the fix named:
 *   `new FastifyAdapter({ bodyLimit })`. It also lets XML bodies through (kept as text for the guard, which parses
 *   them), which Fastify otherwise answers with 415 before any guard.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { rawBody: true });
 * applyWebhookBodyLimits(app);
 */
export function applyWebhookBodyLimits(app: INestApplication): WebhookBodyLimits {
  const options = app.get<ResolvedWebhookOptions>(WEBHOOK_OPTIONS, { strict: false });
  const largestMaxBodySize = Math.max(
    DEFAULT_MAX_WEBHOOK_BODY_BYTES,
    ...Object.values(options.receivers).map((receiver) => receiver.maxBodySize),
  );
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstanceLike;
    const platformLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
    if (platformLimit < largestMaxBodySize) {
      throw new WebhookConfigurationError(
        `Fastify's bodyLimit (${platformLimit} bytes) is below the largest receiver maxBodySize (${largestMaxBodySize} bytes), so ` +
          `larger webhooks would be refused before any guard: create the adapter with new FastifyAdapter({ bodyLimit: ${2 * largestMaxBodySize} }).`,
      );
    }
    if (!fastify.hasContentTypeParser(XML_CONTENT_TYPE))
      fastify.addContentTypeParser(XML_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    return { largestMaxBodySize, platformLimit };
  }
  const platformLimit = 2 * largestMaxBodySize;
  const express = app as unknown as BodyParserApplication;
  express.useBodyParser('json', { limit: platformLimit });
  // extended: true, as Nest's own urlencoded parser has it, so forms parse as they did.
  express.useBodyParser('urlencoded', { limit: platformLimit, extended: true });
  return { largestMaxBodySize, platformLimit };
}
