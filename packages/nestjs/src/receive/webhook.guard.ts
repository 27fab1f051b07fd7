import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, verifyStandardWebhook, WebhookVerificationError } from '@webhook-outbox/signature';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { ResolvedWebhookOptions } from '../webhook-options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { readSignedPayload, type WebhookHttpRequest } from './signed-payload.reader.js';
import { VERIFY_WEBHOOK_METADATA, type VerifyWebhookReceiver } from './verify-webhook.metadata.js';

/** What the guard attaches to a verified request as `request.webhook`. */
export interface VerifiedWebhookRequest {
  id: string;
  /** Unix seconds, as signed. */
  timestamp: number;
  /** The receiver name, or `undefined` for an inline receiver. */
  receiver?: string;
}

/**
 * Verifies inbound Standard Webhooks requests for routes marked with `@VerifyWebhook(...)`. A refusal is a 401
 * whose message gives the reason in one line; nothing a sender can send makes it throw anything else.
 */
@Injectable()
export class WebhookGuard implements CanActivate {
  private readonly logger = new Logger(WebhookGuard.name);

  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(WEBHOOK_OPTIONS) private readonly options?: ResolvedWebhookOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const receiver = this.reflector.getAllAndOverride<VerifyWebhookReceiver | undefined>(VERIFY_WEBHOOK_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const { secrets, tolerance, name } = this.resolve(receiver);
    const request = context.switchToHttp().getRequest<WebhookHttpRequest & { webhook?: VerifiedWebhookRequest }>();
    const payload = await readSignedPayload(request);
    try {
      const verified = verifyStandardWebhook({ payload, headers: request.headers, secret: secrets, toleranceSeconds: tolerance });
      request.webhook = { ...verified, receiver: name };
      return true;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      this.logger.warn(`Refused webhook${name ? ` for receiver "${name}"` : ''} (${error.reason}): ${error.message}`);
      throw new UnauthorizedException(`Webhook refused: ${error.message}`);
    }
  }

  private resolve(receiver: VerifyWebhookReceiver | undefined): { secrets: string[]; tolerance: number; name?: string } {
    if (receiver === undefined) {
      throw new WebhookConfigurationError('WebhookGuard: use it through @VerifyWebhook(...), which says which secret to verify with.');
    }
    if (typeof receiver !== 'string') {
      return {
        secrets: Array.isArray(receiver.secret) ? receiver.secret : [receiver.secret],
        tolerance: receiver.tolerance ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
      };
    }
    if (!this.options) {
      throw new WebhookConfigurationError(
        `@VerifyWebhook('${receiver}'): WebhookModule is not available to this controller's module. Import ` +
          'WebhookModule.forRoot({ receivers: { ... } }) (global by default), or pass { secret } inline.',
      );
    }
    const named = this.options.receivers[receiver];
    if (!named) {
      const known = Object.keys(this.options.receivers);
      throw new WebhookConfigurationError(
        `@VerifyWebhook('${receiver}'): no such receiver in WebhookModule options` +
          (known.length ? ` (known: ${known.join(', ')}).` : '; declare it under receivers.'),
      );
    }
    return { ...named, name: receiver };
  }
}
