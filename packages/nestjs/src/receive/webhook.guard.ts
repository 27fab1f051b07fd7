import {
  BadRequestException,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Optional,
  PayloadTooLargeException,
  RequestTimeoutException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WebhookVerificationError } from '@webhook-outbox/signature';
import type { ServerResponse } from 'node:http';
import { WebhookBodyIncompleteError } from '../errors/webhook-body-incomplete.error.js';
import { WebhookBodyTimeoutError } from '../errors/webhook-body-timeout.error.js';
import { WebhookBodyTooLargeError } from '../errors/webhook-body-too-large.error.js';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { IncomingWebhook } from './incoming-webhook.js';
import { readSignedPayload, type WebhookHttpRequest } from './signed-payload.reader.js';
import { VERIFY_WEBHOOK_METADATA } from './verify-webhook.metadata.js';
import type { VerifyWebhookReceiver } from '../options/webhook-receiver.options.js';
import { WebhookVerifier } from './webhook-verifier.service.js';

/** The answers a sender gets: deliberately generic, so a refusal teaches an attacker nothing. */
const REFUSED = 'Webhook signature verification failed.';
const BAD_BODY = 'Webhook body is not valid for this sender.';
const TOO_LARGE = 'Webhook body is too large.';
const TOO_SLOW = 'Webhook body did not arrive in time.';

/**
 * Verifies inbound webhooks for routes marked with `@VerifyWebhook(...)` over the raw bytes received, on Express
 * and Fastify. A refusal is 401 (signature, headers, time), 400 (a body the scheme does not accept), 408 (a body it
 * reads itself still arriving after the receiver's `bodyTimeout`; the connection is closed) or 413 (size), with a
 * generic body; the specific reason goes to the log and to `WebhookReceiverEvents.refused`. The verified
 * webhook is attached to the request for `@IncomingWebhook()` and `@WebhookPayload()`.
 */
@Injectable()
export class WebhookGuard implements CanActivate {
  private readonly verifier: WebhookVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Optional() verifier?: WebhookVerifier,
  ) {
    // Without WebhookModule, inline receivers still verify; they just have no inbox.
    this.verifier = verifier ?? new WebhookVerifier();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const reference = this.reflector.getAllAndOverride<VerifyWebhookReceiver | undefined>(VERIFY_WEBHOOK_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (reference === undefined) {
      throw new WebhookConfigurationError(
        'WebhookGuard: use it through @VerifyWebhook(...), which says which receiver verifies the route.',
      );
    }
    const receiver = this.verifier.receiver(reference);
    const request = context.switchToHttp().getRequest<WebhookHttpRequest & { webhook?: IncomingWebhook }>();

    let body: Buffer | string;
    try {
      body = await readSignedPayload(request, { maxBytes: receiver.maxBodySize, timeoutMs: receiver.bodyTimeout });
    } catch (error) {
      if (error instanceof WebhookBodyTimeoutError) {
        this.verifier.refused(receiver, 'body-timeout', error.message);
        closeAfterAnswer(context.switchToHttp().getResponse());
        throw new RequestTimeoutException(TOO_SLOW);
      }
      if (error instanceof WebhookBodyTooLargeError) {
        this.verifier.refused(receiver, 'payload-too-large', error.message);
        // The rest of the body is never read: closing is cheaper than draining it.
        closeAfterAnswer(context.switchToHttp().getResponse());
        throw new PayloadTooLargeException(TOO_LARGE);
      }
      if (error instanceof WebhookBodyIncompleteError) {
        this.verifier.refused(receiver, 'incomplete-body', error.message);
        throw new BadRequestException(BAD_BODY);
      }
      throw error;
    }

    try {
      request.webhook = this.verifier.verify(reference, {
        body,
        headers: request.headers,
        method: request.method,
        parsedBody: frameworkParsedBody(request),
      });
      return true;
    } catch (error) {
      if (error instanceof WebhookBodyTooLargeError) throw new PayloadTooLargeException(TOO_LARGE);
      if (error instanceof WebhookVerificationError) {
        throw error.reason === 'malformed-body'
          ? new BadRequestException(BAD_BODY)
          : new UnauthorizedException(REFUSED);
      }
      throw error;
    }
  }
}

/** The body as Express or Fastify parsed it from the raw bytes (JSON, form), if they did. */
function frameworkParsedBody(request: WebhookHttpRequest): unknown {
  const method = request.method?.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || !Buffer.isBuffer(request.rawBody)) return undefined;
  const body = request.body;
  return typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? body : undefined;
}

/** Asks Node to close the connection once the answer is written (Express's response, or Fastify's reply's `raw`). */
function closeAfterAnswer(response: ServerResponse | { raw?: ServerResponse }): void {
  const raw = 'raw' in response && response.raw ? response.raw : (response as ServerResponse);
  if (!raw.headersSent) raw.setHeader('connection', 'close');
}
