import { Injectable } from '@nestjs/common';
import type { WebhookVerificationFailureReason } from '@webhook-outbox/signature';
import { type Observable, Subject } from 'rxjs';

/**
 * Why a webhook was refused: a verification failure, a body above the receiver's `maxBodySize`, a body that could
 * not be read to its end (the sender hung up mid-body, or broke its chunked encoding), or one still arriving after
 * the receiver's `bodyTimeout` (408).
 */
export type WebhookRefusalReason =
  | WebhookVerificationFailureReason
  | 'payload-too-large'
  | 'incomplete-body'
  | 'body-timeout';

/** A refused inbound webhook. The sender only sees a generic answer; this says exactly what was wrong. */
export interface WebhookRefusedEvent {
  /** The receiver's name; absent for an inline receiver without one. */
  receiver?: string;
  /** The receiver's scheme, e.g. `stripe`. */
  scheme: string;
  /** Why, for code and metrics. */
  reason: WebhookRefusalReason;
  /** One line for a human, e.g. "Header webhook-timestamp is 412 s from now; at most 300 s is accepted." */
  message: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** A verified webhook that was acknowledged without running its handler, because its id was processed before. */
export interface WebhookDuplicateEvent {
  /** The receiver's name. */
  receiver: string;
  /** The receiver's scheme, e.g. `stripe`. */
  scheme: string;
  /** The sender's id of the webhook, the one processed before. */
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/**
 * Streams of what happened to inbound webhooks, for metrics and alerts (a burst of `invalid-signature` after a
 * secret rotation, say).
 *
 * @example
 * constructor(events: WebhookReceiverEvents) {
 *   events.refused.subscribe((event) => metrics.increment(`webhook.refused.${event.reason}`));
 * }
 */
@Injectable()
export class WebhookReceiverEvents {
  private readonly refusedSubject = new Subject<WebhookRefusedEvent>();
  private readonly duplicateSubject = new Subject<WebhookDuplicateEvent>();

  /** Every refusal: 401 (signature, headers, time), 400 (body), 408 (body too slow) and 413 (size). */
  readonly refused: Observable<WebhookRefusedEvent> = this.refusedSubject.asObservable();
  /** Every redelivery acknowledged without running the handler. */
  readonly duplicates: Observable<WebhookDuplicateEvent> = this.duplicateSubject.asObservable();

  /** @internal */
  emitRefused(event: WebhookRefusedEvent): void {
    this.refusedSubject.next(event);
  }

  /** @internal */
  emitDuplicate(event: WebhookDuplicateEvent): void {
    this.duplicateSubject.next(event);
  }
}
