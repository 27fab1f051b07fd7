import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { RequestBodyDeadline } from './request-body.deadline.js';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES, DEFAULT_WEBHOOK_BODY_TIMEOUT_MS } from './webhook-receiver.js';

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
  /** Every request body's deadline in ms: the largest `bodyTimeout` of the named receivers (10 s without any). */
  bodyTimeout: number;
}

/**
 * Makes the HTTP platform's own body limit fit the app's receivers, so that a webhook up to its receiver's
 * `maxBodySize` reaches the guard, and one above it is refused by the guard (413 and a `refused` event) rather
 * than by the platform's parser, silently, before any guard runs. Call it after creating the app, before listening.
 *
 * On both platforms it also gives every request body of the app a deadline, the largest `bodyTimeout` of the named
 * receivers (default 10 s): a body still arriving then is answered 408, its connection closed, with a warning.
 * Platforms read bodies before routing, so this cannot be per route; a route that takes slow uploads needs its
 * receivers' `bodyTimeout` raised.
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
  // Named receivers only, so one can set a deadline shorter than the default; inline ones are not known here.
  const timeouts = Object.values(options.receivers).map((receiver) => receiver.bodyTimeout);
  const bodyTimeout = timeouts.length > 0 ? Math.max(...timeouts) : DEFAULT_WEBHOOK_BODY_TIMEOUT_MS;
  RequestBodyDeadline.watch(app.getHttpServer() as Server, bodyTimeout);
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
    return { largestMaxBodySize, platformLimit, bodyTimeout };
  }
  const platformLimit = 2 * largestMaxBodySize;
  const express = app as unknown as BodyParserApplication;
  express.useBodyParser('json', { limit: platformLimit });
  // extended: true, as Nest's own urlencoded parser has it, so forms parse as they did.
  express.useBodyParser('urlencoded', { limit: platformLimit, extended: true });
  return { largestMaxBodySize, platformLimit, bodyTimeout };
}
