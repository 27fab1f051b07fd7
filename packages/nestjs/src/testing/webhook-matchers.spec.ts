import { describe, expect, it } from 'vitest';
import type { SentWebhook } from './sent-webhook.js';
import { webhookMatchers } from './webhook-matchers.js';

expect.extend(webhookMatchers);

function sent(type: string, payload: SentWebhook['payload']): SentWebhook {
  return {
    method: 'POST',
    url: 'https://erp.example.com/hooks',
    headers: {},
    body: JSON.stringify(payload),
    payload,
    type,
    webhookId: 'evt_1',
    endpointId: 'erp',
    deliveryId: 'dlv_1',
    attemptNumber: 1,
    entity: null,
    answer: { status: 200, body: '' },
    verify: () => true,
  };
}

const harness = (...requests: SentWebhook[]) => ({ sent: () => requests });

describe('toHaveSent', () => {
  it('passes when a request of the type contains every given field, however deep', () => {
    const webhooks = harness(sent('order.created', { type: 'order.created', data: { id: 7, lines: [{ sku: 'A' }] } }));
    expect(webhooks).toHaveSent('order.created', { data: { id: 7 } });
    expect(webhooks).toHaveSent('order.created', { data: { lines: [{ sku: 'A' }] } });
  });

  it('compares arrays whole, not as subsets', () => {
    const webhooks = harness(sent('order.created', { data: { lines: [{ sku: 'A' }, { sku: 'B' }] } }));
    expect(webhooks).not.toHaveSent('order.created', { data: { lines: [{ sku: 'A' }] } });
  });

  it('lets asymmetric matchers stand for a field', () => {
    const webhooks = harness(sent('order.created', { data: { id: 7, at: '2026-01-31' } }));
    expect(webhooks).toHaveSent('order.created', {
      data: { id: expect.any(Number), at: expect.stringMatching(/^2026/) },
    });
  });

  it('fails on a field whose value differs, naming what was sent', () => {
    const webhooks = harness(sent('order.created', { data: { id: 7 } }));
    expect(() => expect(webhooks).toHaveSent('order.created', { data: { id: 8 } })).toThrow(
      /expected to have sent a "order.created" webhook containing .*sent: .*"id": 7/s,
    );
  });

  it('fails on a field that is absent, even when the expected value is undefined', () => {
    const webhooks = harness(sent('order.created', { data: {} }));
    expect(webhooks).not.toHaveSent('order.created', { data: { note: undefined } });
  });

  it('matches any type when no type is given, so .not.toHaveSent() means nothing was sent', () => {
    expect(harness()).not.toHaveSent();
    expect(harness(sent('order.deleted', { data: { id: 1 } }))).toHaveSent();
    expect(() => expect(harness(sent('order.deleted', {}))).not.toHaveSent()).toThrow(
      /expected not to have sent a webhook, but 1 matching request/,
    );
  });

  it('says nothing was sent when nothing was', () => {
    expect(() => expect(harness()).toHaveSent('order.created')).toThrow(/nothing was sent/);
  });

  it('accepts the list sent() returns as well as the harness', () => {
    const requests = [sent('order.created', { data: { id: 7 } })];
    expect(requests).toHaveSent('order.created', { data: { id: 7 } });
  });
});
