import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { WebhookBodyIncompleteError } from '../errors/webhook-body-incomplete.error.js';
import { WebhookBodyTimeoutError } from '../errors/webhook-body-timeout.error.js';
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

/**
 * Reads a request body to its end, up to `maxBytes` and within `timeoutMs`. On a refusal it stops listening and
 * leaves the stream paused: the answer is still written, and the caller closes the connection with it.
 */
function readStream(stream: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (error: Error | undefined) => {
      clearTimeout(deadline);
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error === undefined) resolve(Buffer.concat(chunks));
      else {
        stream.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) finish(new WebhookBodyTooLargeError(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    // The stream itself failed ("aborted": the sender hung up mid-body or broke its chunked encoding).
    const onError = (error: Error) => finish(new WebhookBodyIncompleteError(error));
    const onClose = () => finish(new WebhookBodyIncompleteError(new Error('aborted')));
    const deadline = setTimeout(() => finish(new WebhookBodyTimeoutError(timeoutMs)), timeoutMs);
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** How much of a body to read, and for how long, when no parser read it before the guard. */
export interface BodyReadLimits {
  maxBytes: number;
  timeoutMs: number;
}

/**
 * The exact bytes the sender signed: the raw query string for GET, the raw body otherwise. A body that no parser
 * consumed (a content type the framework does not parse) is read here, up to `maxBytes` and within `timeoutMs`. A
 * body parsed without keeping its raw bytes cannot be verified: that is a set-up error of this server, reported as
 * such, never a pass.
 *
 * @throws {WebhookBodyTooLargeError} {WebhookBodyIncompleteError} {WebhookBodyTimeoutError} for the sender's faults.
 */
export async function readSignedPayload(
  request: WebhookHttpRequest,
  { maxBytes, timeoutMs }: BodyReadLimits,
): Promise<Buffer | string> {
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
    request.rawBody = await readStream(stream, maxBytes, timeoutMs);
    return request.rawBody;
  }
  // Fastify parses text/plain into a string and keeps no raw copy; for text the string is the bytes.
  if (typeof request.body === 'string') return Buffer.from(request.body, 'utf8');
  throw new WebhookConfigurationError(RAW_BODY_MISSING);
}
