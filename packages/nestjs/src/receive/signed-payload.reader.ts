import { PayloadTooLargeException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

/** The request fields the guard reads, as Express (and Nest's `rawBody` option) provide them. */
export interface WebhookHttpRequest extends IncomingMessage {
  originalUrl?: string;
  rawBody?: Buffer;
}

const MAX_UNPARSED_BODY_BYTES = 1024 * 1024;

async function readStream(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > MAX_UNPARSED_BODY_BYTES) throw new PayloadTooLargeException(`Webhook body exceeds ${MAX_UNPARSED_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The exact bytes the sender signed: the raw query string for GET, the raw body otherwise. A body that no parser
 * consumed (a content type Nest does not parse) is read here; a body parsed without keeping the raw bytes cannot
 * be verified, which is a server set-up error, not the sender's.
 */
export async function readSignedPayload(request: WebhookHttpRequest): Promise<Buffer | string> {
  if (request.method === 'GET' || request.method === 'HEAD') {
    const url = request.originalUrl ?? request.url ?? '';
    const mark = url.indexOf('?');
    return mark < 0 ? '' : url.slice(mark + 1);
  }
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  if (!request.readableEnded) {
    request.rawBody = await readStream(request);
    return request.rawBody;
  }
  throw new WebhookConfigurationError(
    'WebhookGuard: the request body was parsed but its raw bytes were not kept, so the signature cannot be checked. ' +
      'Create the app with NestFactory.create(AppModule, { rawBody: true }).',
  );
}
