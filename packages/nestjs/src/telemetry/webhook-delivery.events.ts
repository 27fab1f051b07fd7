import { channel } from 'node:diagnostics_channel';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';

/** What every delivery event carries. */
export interface WebhookDeliveryEventBase {
  /** Epoch ms. */
  at: number;
}

/** A delivery of one event to one endpoint, as the attempt events name it. */
export interface WebhookAttemptFacts extends WebhookDeliveryEventBase {
  /** The delivery the attempt is for. */
  deliveryId: string;
  /** The event's id: the `webhook-id` header the receiver sees. */
  webhookId: string;
  /** The endpoint it is sent to. */
  endpointId: string;
  /** The event's type. */
  eventType: string;
  /** 1 for the first attempt of the delivery (retries and replays count on). */
  attemptNumber: number;
}

/** An event written to the outbox, once its transaction committed. */
export interface WebhookEventCapturedEvent extends WebhookDeliveryEventBase {
  /** Which event this is; tells the members of `WebhookDeliveryEvent` apart. */
  kind: 'event.captured';
  /** The event's id: the `webhook-id` header its receivers see. */
  webhookId: string;
  /** The event's type. */
  type: string;
  /** The event's tenant; `null` for the application's own. */
  tenant: string | null;
  /** The `@EmitsWebhook` entity class the event is about; `null` for a published event. */
  sourceEntity: string | null;
  /** That entity's primary key, as text (JSON for a composite key); `null` for a published event. */
  sourceId: string | null;
}

/** A batch of events turned into deliveries by this process. */
export interface WebhookFannedOutEvent extends WebhookDeliveryEventBase {
  /** Which event this is; tells the members of `WebhookDeliveryEvent` apart. */
  kind: 'events.fanned-out';
  /** Events fanned out. */
  events: number;
  /** Deliveries created for them. */
  deliveries: number;
}

/** A request is about to be sent. */
export interface WebhookAttemptStartedEvent extends WebhookAttemptFacts {
  /** Which event this is; tells the members of `WebhookDeliveryEvent` apart. */
  kind: 'attempt.started';
  /** Where the request goes. */
  url: string;
}

/** A request's exchange is over: answered (any status), or no answer. */
export interface WebhookAttemptFinishedEvent extends WebhookAttemptFacts {
  /** Which event this is; tells the members of `WebhookDeliveryEvent` apart. */
  kind: 'attempt.finished';
  /** `succeeded` for a 2xx answer; anything else is `failed`. */
  outcome: 'succeeded' | 'failed';
  /** `null` when no response came. */
  statusCode: number | null;
  /** How long the exchange took, in milliseconds. */
  durationMs: number;
  /**
   * Why it failed, as a low-cardinality class: the status code (`'503'`), `'timeout'`, `'abandoned'`,
   * `'destination_refused'`, a socket error code (`'ECONNREFUSED'`), or `'_OTHER'`; `null` on success.
   */
  errorType: string | null;
  /** The failure's message, `null` on success. */
  error: string | null;
}

/** The delivery's outcome after an attempt was recorded. */
export interface WebhookDeliveryOutcomeEvent extends WebhookAttemptFacts {
  /** Which event this is; tells the members of `WebhookDeliveryEvent` apart. */
  kind: 'delivery.succeeded' | 'delivery.retry-scheduled' | 'delivery.failed';
  /** For `delivery.retry-scheduled`: when the next attempt is due (epoch ms). */
  nextAttemptAt?: number;
  /** For `delivery.failed`: why (`attempts-exhausted`, `rejected`, `endpoint-disabled`, ...). */
  reason?: string;
}

/** An endpoint's shared state changed: every worker holds its deliveries, or sends them again. */
export interface WebhookEndpointStateEvent extends WebhookDeliveryEventBase {
  /** Which event this is; tells the members of `WebhookDeliveryEvent` apart. */
  kind: 'endpoint.paused' | 'endpoint.disabled' | 'endpoint.enabled';
  /** The endpoint whose state changed. */
  endpointId: string;
  /** For `endpoint.paused`: until when (epoch ms). */
  until?: number;
  /** For `endpoint.disabled`: why. */
  reason?: string;
}

/** Every fact `WebhookDeliveryEvents` reports. */
export type WebhookDeliveryEvent =
  | WebhookEventCapturedEvent
  | WebhookFannedOutEvent
  | WebhookAttemptStartedEvent
  | WebhookAttemptFinishedEvent
  | WebhookDeliveryOutcomeEvent
  | WebhookEndpointStateEvent;

/** The kinds of `WebhookDeliveryEvent`. */
export type WebhookDeliveryEventKind = WebhookDeliveryEvent['kind'];

const KINDS: readonly WebhookDeliveryEventKind[] = [
  'event.captured',
  'events.fanned-out',
  'attempt.started',
  'attempt.finished',
  'delivery.succeeded',
  'delivery.retry-scheduled',
  'delivery.failed',
  'endpoint.paused',
  'endpoint.disabled',
  'endpoint.enabled',
];

/**
 * The `node:diagnostics_channel` channel of each kind, `webhook-outbox:<kind>` (e.g.
 * `webhook-outbox:attempt.finished`); each message is the event object. For APM agents and tools that subscribe by
 * name without Nest.
 */
export const WEBHOOK_DELIVERY_CHANNELS = Object.fromEntries(
  KINDS.map((kind) => [kind, `webhook-outbox:${kind}`]),
) as Readonly<Record<WebhookDeliveryEventKind, string>>;

const channels = Object.fromEntries(KINDS.map((kind) => [kind, channel(WEBHOOK_DELIVERY_CHANNELS[kind])]));

/**
 * What the delivery side does, as it happens in this process: events captured (after their commit), fanned out,
 * each attempt started and finished, each delivery's outcome, endpoints paused, disabled and enabled. The same facts
 * go to `events$` and to the `node:diagnostics_channel` channels of `WEBHOOK_DELIVERY_CHANNELS`. With no subscriber
 * on either, the relay builds no event at all.
 *
 * @example
 * events.events$.pipe(filter((event) => event.kind === 'delivery.failed')).subscribe((event) => alert(event));
 */
@Injectable()
export class WebhookDeliveryEvents implements OnModuleDestroy {
  private readonly subject = new Subject<WebhookDeliveryEvent>();

  /** Every event, as it happens. */
  readonly events$: Observable<WebhookDeliveryEvent> = this.subject.asObservable();

  /** Whether anyone listens to `kind`: callers skip building an event no one would see. */
  wants(kind: WebhookDeliveryEventKind): boolean {
    return this.subject.observed || channels[kind]!.hasSubscribers;
  }

  /** Reports an event (the package's own code calls it; `wants()` first). */
  publish(event: WebhookDeliveryEvent): void {
    if (this.subject.observed) this.subject.next(event);
    const named = channels[event.kind]!;
    if (named.hasSubscribers) named.publish(event);
  }

  /** Completes `events$` when the module shuts down, so its subscribers finish. */
  onModuleDestroy(): void {
    this.subject.complete();
  }
}
