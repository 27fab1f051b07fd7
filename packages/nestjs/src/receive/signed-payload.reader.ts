import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { WebhookBodyIncompleteError } from '../errors/webhook-body-incomplete.error.js';
import { WebhookBodyTooLargeError } from '../errors/webhook-body-too-large.error.js';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

/**
 * The request fields the guard reads, as Express and Fastify give them. With `rawBody: true` Nest keeps the raw
 * bytes on `rawBody` for both; Fastify's underlying Node request is `raw`.
 */
export interface WebhookHttpRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: IncomingHttpHeaders;
  rawBody?: Buffer;
  body?: unknown;
  raw?: IncomingMessage;
}

const RAW_BODY_MISSING =
  'WebhookGuard: the request body was parsed but its raw bytes were not kept, so its signature cannot be checked. ' +
  'Create the app with NestFactory.create(AppModule, { rawBody: true }) on Express, or ' +
  'NestFactory.create(AppModule, new FastifyAdapter(), { rawBody: true }) on Fastify.';

async function readStream(stream: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      length += (chunk as Buffer).length;
      if (length > maxBytes) throw new WebhookBodyTooLargeError(maxBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    // The stream itself failed ("aborted": the sender hung up mid-body or broke its chunked encoding).
    if (error instanceof WebhookBodyTooLargeError) throw error;
    throw new WebhookBodyIncompleteError(error as Error);
  }
  return Buffer.concat(chunks);
}

/**
 * The exact bytes the sender signed: the raw query string for GET, the raw body otherwise. A body that no parser
 * consumed (a content type the framework does not parse) is read here, up to `maxBytes`. A body parsed without
 * keeping its raw bytes cannot be verified: that is a set-up error of this server, reported as such, never a pass.
 */
export async function readSignedPayload(request: WebhookHttpRequest, maxBytes: number): Promise<Buffer | string> {
  const method = request.method?.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    const url = request.originalUrl ?? request.url ?? '';
    const mark = url.indexOf('?');
    return mark < 0 ? '' : url.slice(mark + 1);
  }
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  const stream = request.raw ?? (request as unknown as IncomingMessage);
  if (typeof stream.readableEnded === 'boolean' && !stream.readableEnded && typeof request.body !== 'string') {
    const declared = Number(request.headers['content-length']);
    if (declared > maxBytes) throw new WebhookBodyTooLargeError(maxBytes);
    request.rawBody = await readStream(stream, maxBytes);
    return request.rawBody;
  }
  // Fastify parses text/plain into a string and keeps no raw copy; for text the string is the bytes.
  if (typeof request.body === 'string') return Buffer.from(request.body, 'utf8');
  throw new WebhookConfigurationError(RAW_BODY_MISSING);
}
