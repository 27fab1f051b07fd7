import type { INestApplication } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebhookEventTypes } from '../emit/webhook-event-types.service.js';
import { DestinationPolicy } from '../endpoints/destination-policy.js';
import type { ResolvedWebhookOptions, WebhookModuleOptions } from '../options/webhook-module.options.js';
import type { OutgoingWebhookRequest } from '../options/webhook-transport.js';
import { OutboxRelay } from '../relay/outbox-relay.service.js';
import {
  type WebhookAttemptFacts,
  WebhookDeliveryEvents,
  type WebhookEventCapturedEvent,
} from '../telemetry/webhook-delivery.events.js';
import { WEBHOOK_MODULE_OPTIONS } from '../webhook.module-definition.js';
import { resolveWebhookOptions } from '../webhook-options.resolver.js';
import { WEBHOOK_CLOCK, WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from '../webhook.tokens.js';
import { type ReceivedWebhookResponse, type ReceiveWebhookInput, sendIntoApp } from './app-webhook.sender.js';
import {
  InMemoryWebhookTransport,
  type RecordedRequest,
  type WebhookTestResponder,
} from './in-memory-webhook.transport.js';
import {
  matchesSentFilter,
  parsedPayload,
  type SentWebhook,
  type SentWebhookEntity,
  type SentWebhookFilter,
  verifySent,
} from './sent-webhook.js';
import { TestWebhookClock } from './test-clock.js';

/**
 * The part of `@nestjs/testing`'s `TestingModuleBuilder` the harness uses (typed here, so the package does not
 * depend on `@nestjs/testing`).
 */
export interface WebhookTestingModuleBuilder {
  /** Replaces a provider of the module under test. */
  overrideProvider(token: unknown): {
    /** With a factory and the providers it is given. */
    // biome-ignore lint/suspicious/noExplicitAny: the shape of Nest's own declaration, whose factories take any arguments.
    useFactory(options: { factory: (...args: any[]) => unknown; inject?: unknown[] }): WebhookTestingModuleBuilder;
    /** With a value. */
    useValue(value: unknown): WebhookTestingModuleBuilder;
  };
}

/** Options of `WebhookTesting.install`. */
export interface WebhookTestingOptions {
  /**
   * Where the harness's clock starts, in epoch ms or as a Date.
   *
   * @defaultValue the wall clock's time at install
   */
  start?: number | Date;
}

/** A captured event: committed with its transaction (a rolled-back one is never reported). */
export interface CapturedWebhookEvent {
  /** The event's id: the `webhook-id` its receivers see. */
  webhookId: string;
  /** The event type. */
  type: string;
  /** Its tenant; `null` for the application's own. */
  tenant: string | null;
  /** The entity it is about; `null` for a published event. */
  entity: SentWebhookEntity | null;
}

/** What the relay says of the attempt it is about to send (`attempt.started`, published just before the transport is called). */
type AttemptFacts = Pick<
  WebhookAttemptFacts,
  'webhookId' | 'endpointId' | 'deliveryId' | 'eventType' | 'attemptNumber'
>;

/** A flush stops after this many rounds that each did something: enough for any test, and never an endless loop. */
const MAX_ROUNDS = 1_000;
/** How long a flush waits, in real ms, for stored transformations still running in their sandbox. */
const TRANSFORM_WAIT = 10_000;

/**
 * The test harness of `WebhookModule`: installed on a testing module, it swaps the transport for an in-memory one
 * (each request recorded exactly as it would be sent, each endpoint answering what the test says), the clock for a
 * `TestWebhookClock`, and turns the background relay off, so that `flush()` delivers everything due, deterministically.
 *
 * @example
 * const builder = Test.createTestingModule({ imports: [AppModule] });
 * const webhooks = WebhookTesting.install(builder);
 * const app = await (await builder.compile()).createNestApplication().init();
 * await app.get(OrdersService).create({ total: '9.90' });
 * await webhooks.flush();
 * expect(webhooks.sent({ type: 'order.created' })).toHaveLength(1);
 */
export class WebhookTesting {
  /** The module's clock: stands still until the test moves it (`advance`). */
  readonly clock: TestWebhookClock;
  private readonly transport: InMemoryWebhookTransport<AttemptFacts>;
  private readonly records: SentWebhook[] = [];
  private readonly capturedEvents: CapturedWebhookEvent[] = [];
  private readonly entities = new Map<string, SentWebhookEntity>();
  private attempt: AttemptFacts | undefined;
  private moduleRef: ModuleRef | undefined;

  private constructor(options: WebhookTestingOptions) {
    this.clock = new TestWebhookClock(options.start);
    this.transport = new InMemoryWebhookTransport(
      (request) => this.takeAttempt(request),
      (recorded, facts) => this.recordSent(recorded, facts),
    );
  }

  /**
   * Overrides the webhook module's transport, clock and relay loop on a `TestingModuleBuilder` (before `compile()`),
   * and returns the harness that reads and drives them.
   */
  static install(builder: WebhookTestingModuleBuilder, options: WebhookTestingOptions = {}): WebhookTesting {
    const harness = new WebhookTesting(options);
    builder
      .overrideProvider(WEBHOOK_OPTIONS)
      .useFactory({
        // The module's own options, with the background loop off: only flush() delivers.
        factory: (moduleOptions: WebhookModuleOptions, destinations: DestinationPolicy): ResolvedWebhookOptions => {
          const resolved = resolveWebhookOptions(moduleOptions, destinations);
          return { ...resolved, relay: { ...resolved.relay, enabled: false } };
        },
        inject: [WEBHOOK_MODULE_OPTIONS, DestinationPolicy],
      })
      .overrideProvider(WEBHOOK_TRANSPORT)
      .useFactory({
        factory: (events: WebhookDeliveryEvents, moduleRef: ModuleRef) => {
          harness.moduleRef = moduleRef;
          return harness.listen(events);
        },
        inject: [WebhookDeliveryEvents, ModuleRef],
      })
      // A value for a value: NestJS 11 keeps a value provider's own value when a factory overrides it.
      .overrideProvider(WEBHOOK_CLOCK)
      .useValue(harness.clock);
    return harness;
  }

  /** Every request sent so far, in order, or those matching `filter` (type, endpoint, entity, webhook id). */
  sent(filter: SentWebhookFilter = {}): SentWebhook[] {
    return this.records.filter((sent) => matchesSentFilter(sent, filter));
  }

  /** The events committed so far (whether or not sent yet), in order; a rolled-back transaction adds none. */
  captured(filter: { type?: string } = {}): CapturedWebhookEvent[] {
    return this.capturedEvents.filter((event) => filter.type === undefined || event.type === filter.type);
  }

  /**
   * Sets how an endpoint answers from now on: `respond('erp', { status: 503 })`, a list answered in turn
   * (`[{ status: 500 }, { status: 200 }]`), a function of the request, or `respond(answer)` for every endpoint.
   */
  respond(endpointId: string, responder: WebhookTestResponder): void;
  /** Sets how every endpoint without an answer of its own answers from now on. */
  respond(responder: WebhookTestResponder): void;
  respond(first: string | WebhookTestResponder, responder?: WebhookTestResponder): void {
    if (typeof first === 'string') this.transport.respond(first, responder ?? {});
    else this.transport.respond(undefined, first);
  }

  /**
   * Delivers everything due now: forwards captured events, fans them out and sends their deliveries (retries that
   * came due included), round after round until a round finds nothing to do. Resolves with the requests it sent.
   */
  async flush(): Promise<SentWebhook[]> {
    const relay = this.required().get(OutboxRelay, { strict: false });
    const from = this.records.length;
    let waitingSince: number | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const result = await relay.runOnce();
      if (result.forwarded + result.fannedOut + result.claimed > 0) {
        waitingSince = undefined;
        continue;
      }
      if (!result.more) return this.records.slice(from);
      // Nothing done but more to do: stored transformations are still being compiled in their sandbox.
      waitingSince ??= performance.now();
      if (performance.now() - waitingSince > TRANSFORM_WAIT) break;
      await sleep(10);
    }
    throw new Error(
      `flush() stopped after ${MAX_ROUNDS} rounds or ${TRANSFORM_WAIT} ms with deliveries still due: does a test endpoint keep answering with a retry that is due at once?`,
    );
  }

  /** Moves the clock forward by `ms` (so retries, pauses and rate windows come due), then flushes. */
  async advance(ms: number): Promise<SentWebhook[]> {
    this.clock.advance(ms);
    return this.flush();
  }

  /** Forgets the requests and events recorded so far, and every answer set with `respond`. */
  clear(): void {
    this.records.length = 0;
    this.capturedEvents.length = 0;
    this.transport.reset();
  }

  /** The event catalog's example body of `type` (`{ type, timestamp, data }`), as `GET event-types` shows it. */
  exampleOf(type: string): { type: string; timestamp: string; data: unknown; [field: string]: unknown } {
    const types = this.required().get(WebhookEventTypes, { strict: false }).list();
    const entry = types.find((known) => known.type === type);
    if (!entry)
      throw new RangeError(
        `exampleOf(): no event type "${type}"; known: ${types.map((known) => known.type).join(', ')}.`,
      );
    const example = (entry.example ?? {}) as Record<string, unknown>;
    return {
      ...example,
      type,
      timestamp: String(example.timestamp ?? new Date(this.clock.now()).toISOString()),
      data: example.data ?? {},
    };
  }

  /**
   * Sends a webhook signed as its sender would (any supported scheme) over real HTTP into the application's own
   * route, through its guard and inbox, signed at the harness's time. `resend()` on the answer repeats it exactly.
   */
  receive(app: INestApplication, input: ReceiveWebhookInput): Promise<ReceivedWebhookResponse> {
    return sendIntoApp(app, input, this.clock.now());
  }

  private listen(events: WebhookDeliveryEvents): InMemoryWebhookTransport<AttemptFacts> {
    events.events$.subscribe((event) => {
      if (event.kind === 'event.captured') this.noteCaptured(event);
      else if (event.kind === 'attempt.started') this.attempt = event;
    });
    return this.transport;
  }

  private noteCaptured(event: WebhookEventCapturedEvent): void {
    const entity =
      event.sourceEntity !== null && event.sourceId !== null ? { name: event.sourceEntity, id: event.sourceId } : null;
    if (entity) this.entities.set(event.webhookId, entity);
    this.capturedEvents.push({ webhookId: event.webhookId, type: event.type, tenant: event.tenant, entity });
  }

  /** The facts of the attempt being sent: the relay reports `attempt.started` just before it calls the transport. */
  private takeAttempt(request: OutgoingWebhookRequest): AttemptFacts {
    const facts = this.attempt;
    this.attempt = undefined;
    const webhookId = request.headers['webhook-id'] ?? '';
    if (facts?.webhookId === webhookId) return facts;
    return { webhookId, endpointId: '', deliveryId: '', eventType: '', attemptNumber: 0 };
  }

  private recordSent({ request, answer }: RecordedRequest, facts: AttemptFacts): void {
    const payload = parsedPayload(request.body);
    const { method, url, headers, body } = request;
    this.records.push({
      method,
      url,
      headers,
      body,
      payload,
      type: facts.eventType || String(payload?.type ?? ''),
      webhookId: facts.webhookId,
      endpointId: facts.endpointId,
      deliveryId: facts.deliveryId,
      attemptNumber: facts.attemptNumber,
      entity: this.entities.get(facts.webhookId) ?? null,
      answer,
      verify: (secret) => verifySent(request, secret),
    });
  }

  private required(): ModuleRef {
    if (!this.moduleRef)
      throw new Error('WebhookTesting: compile the testing module it was installed on (builder.compile()) first.');
    return this.moduleRef;
  }
}
