import { describe, expect, it } from 'vitest';
import { compileTransform } from '../endpoints/webhook-transform.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { WebhookTransformFunction } from '../options/webhook-transform.types.js';
import type { ClaimedDelivery } from '../outbox/outbox-store.js';
import { sendTimeTransform } from './send-time-transform.js';

const payload = JSON.stringify({ type: 'order.created', timestamp: '2026-01-01T00:00:00Z', data: { id: 1 } });

function endpoint(transform: WebhookTransformFunction | null, codeTransform = true): ResolvedWebhookEndpoint {
  return {
    id: 'erp',
    source: 'options',
    tenant: null,
    url: 'https://erp.example.com/hooks',
    secrets: [],
    eventTypes: ['*'],
    method: 'POST',
    bodyFormat: 'json',
    payloadFormat: 'full',
    headers: {},
    description: null,
    traceHeaders: true,
    filter: null,
    transform: transform === null ? null : compileTransform(transform),
    rateLimit: null,
    codeTransform,
  };
}

function delivery(transformed = false): ClaimedDelivery {
  return {
    id: 'dlv_1',
    eventId: 'msg_1',
    endpointId: 'erp',
    attempts: 0,
    attemptsInSeries: 0,
    lockedUntil: 0,
    eventType: 'order.created',
    payload,
    sourceId: '1',
    occurredAt: 0,
    traceContext: null,
    endpointDisabledReason: null,
    transformed,
    requestChanges: null,
  };
}

describe('sendTimeTransform', () => {
  it('leaves to another instance a delivery whose function transformation this instance lacks', () => {
    expect(sendTimeTransform(endpoint(null), delivery())).toEqual({ kind: 'elsewhere' });
  });

  it('transforms, with the function of this instance, a delivery routed untransformed', () => {
    const transform: WebhookTransformFunction = (event) => ({ body: { only: event.type }, headers: { 'x-v': '2' } });
    expect(sendTimeTransform(endpoint(transform), delivery())).toEqual({
      kind: 'send',
      payload: '{"only":"order.created"}',
      changes: { headers: { 'x-v': '2' } },
    });
  });

  it('fails a delivery whose transformation drops the event when it is sent, saying so', () => {
    expect(
      sendTimeTransform(
        endpoint(() => null),
        delivery(),
      ),
    ).toEqual({
      kind: 'failed',
      message: 'the transformation dropped the event when it was sent',
    });
  });

  it('sends as stored a delivery transformed when it was fanned out, even where the function is missing', () => {
    expect(sendTimeTransform(endpoint(null), delivery(true))).toEqual({ kind: 'none' });
  });

  it('changes nothing for an endpoint without a function transformation', () => {
    expect(sendTimeTransform(endpoint(null, false), delivery())).toEqual({ kind: 'none' });
  });
});
