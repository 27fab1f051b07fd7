import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type IncomingHeaders, WebhookVerificationError } from '@webhook-outbox/signature';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { WebhookBodyTooLargeError } from '../errors/webhook-body-too-large.error.js';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { systemClock, type WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { type IncomingWebhook, ReceivedWebhook } from './incoming-webhook.js';
import { WebhookInbox } from '../outbox/stores/webhook-inbox.store.js';
import { WebhookInboxEntity } from '../outbox/entities/webhook-inbox.entity.js';
import { parseWebhookPayload } from './webhook-payload.parser.js';
import { resolveWebhookReceiver } from './webhook-receiver.js';
import { type ResolvedWebhookReceiver, type VerifyWebhookReceiver } from '../options/webhook-receiver.options.js';
import { WebhookReceiverEvents, type WebhookRefusalReason } from './webhook-receiver.events.js';
import { runInOwnTransaction } from '../outbox/stores/own-transaction.runner.js';

/** A webhook to verify, however it arrived (an HTTP request, a queue message, a stored request). */
export interface WebhookToVerify {
  /** The exact bytes received: the raw body, or the raw query string of a GET. */
  body: Buffer | string;
  /** The request's headers as Node gives them (lower-case names): the scheme's signature headers, `content-type`. */
  headers: IncomingHeaders;
  /** Default `POST`. */
  method?: string;
  /** Default: the `content-type` header. */
  contentType?: string;
  /** The body as a framework already parsed it from these bytes; parsed here when not given. */
  parsedBody?: unknown;
}

/**
 * Verifies inbound webhooks for a receiver, with or without HTTP: the guard behind `@VerifyWebhook()` uses it, and
 * so can a worker that verifies a request it stored or queued.
 *
 * @example
 * const webhook = verifier.verify('payments', { body: job.rawBody, headers: job.headers });
 * await webhook.processInTransaction((manager) => applyPayment(manager, webhook.payload));
 */
@Injectable()
export class WebhookVerifier {
  private readonly logger = new Logger(WebhookVerifier.name);
  private readonly inbox?: WebhookInbox;
  private readonly clock: WebhookClock;
  private readonly inlineReceivers = new WeakMap<object, ResolvedWebhookReceiver>();

  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(
    @Optional() @Inject(WEBHOOK_OPTIONS) private readonly options?: ResolvedWebhookOptions,
    @Optional() @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource?: DataSource,
    @Optional() private readonly events?: WebhookReceiverEvents,
    @Optional() @Inject(WEBHOOK_CLOCK) clock?: WebhookClock,
  ) {
    this.clock = clock ?? systemClock;
    if (dataSource?.hasMetadata(WebhookInboxEntity)) {
      this.inbox = new WebhookInbox(dataSource);
    } else if (dataSource && Object.values(options?.receivers ?? {}).some((receiver) => receiver.deduplicate)) {
      throw new WebhookConfigurationError(
        'WebhookModule: receivers deduplicate through the webhook_inbox table, which is not in the DataSource. Add ' +
          'webhookOutboxEntities (it includes WebhookInboxEntity) to its entities, or set deduplicate: false on the receivers.',
      );
    }
  }

  /**
   * The receiver a name or inline declaration stands for.
   *
   * @internal For the guard; an app passes the reference to `verify()`.
   * @throws {WebhookConfigurationError} for an unknown name or an unusable inline receiver.
   */
  receiver(reference: VerifyWebhookReceiver): ResolvedWebhookReceiver {
    if (typeof reference !== 'string') {
      let resolved = this.inlineReceivers.get(reference);
      if (!resolved) {
        resolved = resolveWebhookReceiver(reference, '@VerifyWebhook', reference.name);
        this.inlineReceivers.set(reference, resolved);
      }
      return resolved;
    }
    if (!this.options) {
      throw new WebhookConfigurationError(
        `@VerifyWebhook('${reference}'): WebhookModule is not available to this controller's module. Import ` +
          'WebhookModule.forRoot({ receivers: { ... } }) (global by default), or declare the receiver inline.',
      );
    }
    const named = this.options.receivers[reference];
    if (!named) {
      const known = Object.keys(this.options.receivers);
      throw new WebhookConfigurationError(
        `@VerifyWebhook('${reference}'): no such receiver in WebhookModule options` +
          (known.length ? ` (known: ${known.join(', ')}).` : '; declare it under receivers.'),
      );
    }
    return named;
  }

  /**
   * Verifies a webhook for a receiver and returns it parsed, with its id.
   *
   * @throws {WebhookVerificationError} saying why it was refused (also logged, and emitted on
   *   `WebhookReceiverEvents.refused`); `malformed-body` means the signature was valid but the body was not.
   * @throws {WebhookBodyTooLargeError} when the body exceeds the receiver's `maxBodySize` (checked first).
   */
  verify<TPayload = unknown>(reference: VerifyWebhookReceiver, input: WebhookToVerify): IncomingWebhook<TPayload> {
    const receiver = this.receiver(reference);
    try {
      if (Buffer.byteLength(input.body) > receiver.maxBodySize)
        throw new WebhookBodyTooLargeError(receiver.maxBodySize);
      const identity = receiver.scheme.verify({
        payload: input.body,
        headers: input.headers,
        secrets: receiver.secrets,
        toleranceSeconds: receiver.tolerance,
        now: this.clock.now(),
      });
      const contentType = input.contentType ?? headerText(input.headers['content-type']);
      const payload =
        input.parsedBody !== undefined
          ? input.parsedBody
          : parseWebhookPayload(input.body, { contentType, method: input.method, xmlLimits: receiver.xmlLimits });
      return new ReceivedWebhook<TPayload>({
        id: identity.id ?? `sha256:${createHash('sha256').update(input.body).digest('hex')}`,
        receiver: receiver.name,
        scheme: receiver.scheme.name,
        timestamp: identity.timestamp,
        payload: payload as TPayload,
        rawBody: input.body,
        headers: input.headers,
        inbox: receiver.deduplicate ? this.inbox : undefined,
        transaction: this.dataSource ? (work) => runInOwnTransaction(this.dataSource!, work) : undefined,
        clock: this.clock,
      });
    } catch (error) {
      if (error instanceof WebhookVerificationError) this.refused(receiver, error.reason, error.message);
      if (error instanceof WebhookBodyTooLargeError) this.refused(receiver, 'payload-too-large', error.message);
      throw error;
    }
  }

  /**
   * Logs a refusal with its specific reason and emits it as an event; the sender gets a generic answer.
   *
   * @internal For the guard, which refuses bodies before they reach `verify()`.
   */
  refused(receiver: ResolvedWebhookReceiver, reason: WebhookRefusalReason, message: string): void {
    const name = receiver.name === undefined ? '' : ` for receiver "${receiver.name}"`;
    this.logger.warn(`Refused ${receiver.scheme.name} webhook${name} (${reason}): ${message}`);
    this.events?.emitRefused({
      receiver: receiver.name,
      scheme: receiver.scheme.name,
      reason,
      message,
      at: this.clock.now(),
    });
  }

  /**
   * Logs and emits a redelivery acknowledged without running its handler.
   *
   * @internal For the inbox interceptor behind `@VerifyWebhook()`.
   */
  duplicate(webhook: IncomingWebhook): void {
    this.logger.log(
      `Acknowledged ${webhook.scheme} webhook ${webhook.id} for receiver "${webhook.receiver}" again without running the handler: already processed.`,
    );
    this.events?.emitDuplicate({
      receiver: webhook.receiver!,
      scheme: webhook.scheme,
      id: webhook.id,
      at: this.clock.now(),
    });
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
