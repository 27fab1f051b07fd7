import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { matchesEventType, parseEventTypePattern } from '../emit/event-type-pattern.js';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { WebhookFilter } from '../options/webhook-filter.types.js';
import {
  type DryRunEvent,
  RECENT_EVENTS,
  readDryRunEvent,
  readLatestDeliveredEvent,
  readRecentEventHeads,
} from '../outbox/stores/dry-run-event.statements.js';
import { previewSentRequest, type WebhookSentRequest } from '../relay/sent-request.preview.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { DestinationPolicy } from './destination-policy.js';
import { checkEndpointDefinition } from './endpoint-definition.validator.js';
import { unknownFields } from './endpoint-input.checks.js';
import { EndpointRegistry } from './endpoint-registry.js';
import { visible } from './endpoint-status.js';
import { WEBHOOK_TEST_EVENT_TYPE } from './endpoint-test-event.js';
import { TransformSandbox } from './transform-sandbox.js';
import type { WebhookEndpointStatus, WebhookTenantScope } from './webhook-endpoint.types.js';
import { compileWebhookFilter } from './webhook-filter.js';
import { applyTransform, compileTransform, sandboxedOutcome, type TransformOutcome } from './webhook-transform.js';

/** What `EndpointDryRun.run()` takes: would-be settings (omitted: as stored; `null` removes), and an event to try. */
export interface WebhookDryRunInput {
  /** A would-be filter (see `WebhookFilter`); `null`: none. */
  filter?: WebhookFilter | null;
  /** A would-be transformation, a JMESPath expression as in `UpdateWebhookEndpointInput.transform`; `null`: none. */
  transform?: string | null;
  /** A would-be method: `POST` or `GET`. */
  method?: WebhookEndpointStatus['method'];
  /** A would-be body format: `json`, `form` or `xml`. */
  bodyFormat?: WebhookEndpointStatus['bodyFormat'];
  /** A would-be payload format: `full` or `thin`. */
  payloadFormat?: WebhookEndpointStatus['payloadFormat'];
  /** The event to try (its `webhook-id`), of the endpoint's tenant. Default: the latest this endpoint received. */
  eventId?: string;
}

/** What an endpoint would do with one real event, nothing sent and nothing stored. */
export interface WebhookDryRunResult {
  /** The event tried; `null` when there was none to try. */
  event: { id: string; type: string; createdAt: number } | null;
  /** `send` (the request below), `dropped` (by its types, filter or transformation), `failed` (its transformation failed: the delivery would fail untried), `no-event`. */
  outcome: 'send' | 'dropped' | 'failed' | 'no-event';
  /** Why it was dropped or failed, or why there was no event; `null` for `send`. */
  reason: string | null;
  /** The request it would send, signature and credential values elided; `null` unless `send`. */
  request: WebhookSentRequest | null;
}

const FIELDS = new Set(['filter', 'transform', 'method', 'bodyFormat', 'payloadFormat', 'eventId']);
const MAX_EVENT_ID_LENGTH = 64;

/**
 * Tries an endpoint's filter and transformation, as stored or as they would be changed, on a real recent event: the
 * real filter, the stored transformation in the sandbox (time-limited worker), the request built by the code that
 * sends it. Sends nothing and writes nothing.
 */
@Injectable()
export class EndpointDryRun {
  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly registry: EndpointRegistry,
    private readonly destinations: DestinationPolicy,
    private readonly sandbox: TransformSandbox,
  ) {}

  /**
   * What endpoint `id` (visible in `scope`, else `WebhookEndpointNotFoundError`) would do with the event `eventId`,
   * or its latest one, given `input`'s settings. Throws `WebhookValidationError` for input PATCH would refuse.
   */
  async run(id: string, input: WebhookDryRunInput, scope: WebhookTenantScope = {}): Promise<WebhookDryRunResult> {
    await this.registry.refresh();
    const stored = this.registry.get(id);
    if (!stored || !visible(stored, scope)) throw new WebhookEndpointNotFoundError(id);
    this.check(stored, input);
    const endpoint = wouldBe(stored, input);
    const event = await this.eventFor(endpoint, input.eventId);
    if (event === null) {
      const reason = `No event to try: this endpoint has received none, and none of the latest ${RECENT_EVENTS} events is of a type it subscribes to.`;
      return { event: null, outcome: 'no-event', reason, request: null };
    }
    const tried = { id: event.id, type: event.type, createdAt: event.occurredAt };
    const dropped = (reason: string): WebhookDryRunResult => ({
      event: tried,
      outcome: 'dropped',
      reason,
      request: null,
    });
    if (!matchesEventType(endpoint.eventTypes.map(parseEventTypePattern), event.type))
      return dropped(`It does not subscribe to "${event.type}" events.`);
    if (endpoint.filter !== null && !compileWebhookFilter(endpoint.filter)(JSON.parse(event.payload)))
      return dropped('The filter does not match this event.');
    const outcome = await this.transformed(endpoint, stored, input, event);
    if (outcome.kind === 'drop') return dropped('The transformation gave null: the event is dropped.');
    if (outcome.kind === 'error')
      return { event: tried, outcome: 'failed', reason: `${capital(outcome.message)}.`, request: null };
    try {
      const request = previewSentRequest(
        endpoint,
        {
          eventId: event.id,
          payload: outcome.payload ?? event.payload,
          sourceId: event.sourceId,
          request: outcome.request,
          transformed: outcome.payload !== null || outcome.request !== null,
        },
        this.clock.now(),
      );
      return { event: tried, outcome: 'send', reason: null, request };
    } catch (error) {
      // Its secret cannot sign (a sealing key is missing): reported on the endpoint, and here.
      return { event: tried, outcome: 'failed', reason: (error as Error).message, request: null };
    }
  }

  /** Field errors as PATCH reports them, for the fields a dry run takes. */
  private check(endpoint: ResolvedWebhookEndpoint, input: WebhookDryRunInput): void {
    const errors: WebhookFieldError[] = unknownFields(input as Record<string, unknown>, FIELDS);
    const definition = checkEndpointDefinition(
      {
        filter: input.filter,
        transform: input.transform,
        method: input.method ?? endpoint.method,
        bodyFormat: input.bodyFormat ?? endpoint.bodyFormat,
        payloadFormat: input.payloadFormat,
      },
      this.destinations,
    );
    errors.push(...definition.filter(({ field }) => field !== 'url'));
    if (input.transform !== undefined && input.transform !== null && typeof input.transform !== 'string')
      errors.push({ field: 'transform', message: 'must be a JMESPath expression (a string) or null.' });
    const { eventId } = input;
    if (
      eventId !== undefined &&
      (typeof eventId !== 'string' || eventId === '' || eventId.length > MAX_EVENT_ID_LENGTH)
    )
      errors.push({
        field: 'eventId',
        message: `must be an event id (webhook-id) of at most ${MAX_EVENT_ID_LENGTH} characters.`,
      });
    if (errors.length > 0) throw new WebhookValidationError(errors);
  }

  /** The event to try: the one asked for (of the endpoint's tenant), else its latest, else a recent subscribed one. */
  private async eventFor(endpoint: ResolvedWebhookEndpoint, eventId: string | undefined): Promise<DryRunEvent | null> {
    const sees = (event: { tenant: string | null }) => endpoint.tenant === null || event.tenant === endpoint.tenant;
    if (eventId !== undefined) {
      const event = await readDryRunEvent(this.dataSource, eventId);
      // Another tenant's event is as unknown as one that does not exist.
      if (event === null || !sees(event))
        throw new WebhookValidationError([{ field: 'eventId', message: "is not an event of this endpoint's tenant." }]);
      return event;
    }
    const latest = await readLatestDeliveredEvent(this.dataSource, endpoint.id, WEBHOOK_TEST_EVENT_TYPE);
    if (latest !== null) return latest;
    const patterns = endpoint.eventTypes.map(parseEventTypePattern);
    const recent = (await readRecentEventHeads(this.dataSource)).find(
      (event) => sees(event) && event.type !== WEBHOOK_TEST_EVENT_TYPE && matchesEventType(patterns, event.type),
    );
    return recent ? readDryRunEvent(this.dataSource, recent.id) : null;
  }

  /** What the would-be transformation makes of the event: a stored expression in the sandbox, a function here. */
  private async transformed(
    endpoint: ResolvedWebhookEndpoint,
    stored: ResolvedWebhookEndpoint,
    input: WebhookDryRunInput,
    event: DryRunEvent,
  ): Promise<TransformOutcome> {
    const { transform } = endpoint;
    if (transform === null) {
      if (input.transform === undefined && stored.codeTransform)
        return {
          kind: 'error',
          request: '',
          message: "its transformation is a function of other instances' code: try it there",
        };
      return { kind: 'send', payload: null, request: null };
    }
    if (transform.kind === 'function') return applyTransform(transform, event.payload);
    const [result] = await this.sandbox.run([
      { expression: transform.source, payload: event.payload, endpointId: endpoint.id },
    ]);
    return sandboxedOutcome(result!);
  }
}

/** The endpoint with `input`'s settings in place of its own. */
function wouldBe(endpoint: ResolvedWebhookEndpoint, input: WebhookDryRunInput): ResolvedWebhookEndpoint {
  return {
    ...endpoint,
    filter: input.filter === undefined ? endpoint.filter : input.filter,
    transform:
      input.transform === undefined
        ? endpoint.transform
        : input.transform === null
          ? null
          : compileTransform(input.transform),
    method: input.method ?? endpoint.method,
    bodyFormat: input.bodyFormat ?? endpoint.bodyFormat,
    payloadFormat: input.payloadFormat ?? endpoint.payloadFormat,
  };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
