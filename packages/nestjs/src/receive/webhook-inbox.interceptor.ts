import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { concatMap, from, type Observable, of, switchMap } from 'rxjs';
import { ReceivedWebhook } from './incoming-webhook.js';
import { WebhookVerifier } from './webhook-verifier.service.js';

/** What a redelivery of an already processed webhook is answered with (status 200). */
export const DUPLICATE_WEBHOOK_RESPONSE = { duplicate: true } as const;

/**
 * Replay protection around a verified webhook's handler. Before it: if the inbox already holds the webhook's id,
 * answer 200 without running the handler. After it succeeds: record the id, unless the handler did so itself
 * through `processInTransaction` (which is what makes two racing identical requests run the work once); the
 * request that lost such a race is answered as a redelivery is, `200 {"duplicate": true}`. A handler
 * that throws leaves no record, so the sender's retry runs it again.
 */
@Injectable()
export class WebhookInboxInterceptor implements NestInterceptor {
  private readonly logger = new Logger(WebhookInboxInterceptor.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly verifier?: WebhookVerifier,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const webhook = context.switchToHttp().getRequest<{ webhook?: unknown }>().webhook;
    if (!(webhook instanceof ReceivedWebhook) || !webhook.deduplicates) return next.handle();
    return from(webhook.alreadyProcessed()).pipe(
      switchMap((duplicate) => {
        if (duplicate) return of(this.acknowledgeDuplicate(webhook, context));
        // A handler that lost a race (an identical request recorded the id first, inside processInTransaction) gets
        // the same documented answer as a redelivery, whatever it returned itself.
        return next
          .handle()
          .pipe(
            concatMap((result) =>
              webhook.duplicate ? of(this.acknowledgeDuplicate(webhook, context)) : this.record(webhook, result),
            ),
          );
      }),
    );
  }

  private acknowledgeDuplicate(webhook: ReceivedWebhook, context: ExecutionContext): typeof DUPLICATE_WEBHOOK_RESPONSE {
    this.verifier?.duplicate(webhook);
    this.adapterHost.httpAdapter.status(context.switchToHttp().getResponse(), HttpStatus.OK);
    return DUPLICATE_WEBHOOK_RESPONSE;
  }

  private async record(webhook: ReceivedWebhook, result: unknown): Promise<unknown> {
    try {
      await webhook.recordProcessed();
    } catch (error) {
      // The handler's work is done; failing the request now would only make the sender repeat it.
      this.logger.error(
        `Processed webhook ${webhook.id} for receiver "${webhook.receiver}" but could not record it in the inbox, so a ` +
          `redelivery would run the handler again: ${(error as Error).message}`,
      );
    }
    return result;
  }
}
