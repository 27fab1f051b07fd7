import { describe, expect, it } from 'vitest';
import type { OutgoingWebhookRequest } from '../options/webhook-transport.js';
import { type AttemptIdentity, InMemoryWebhookTransport, type RecordedRequest } from './in-memory-webhook.transport.js';

const request = (overrides: Partial<OutgoingWebhookRequest> = {}): OutgoingWebhookRequest => ({
  method: 'POST',
  url: 'https://erp.example.com/hooks',
  headers: { 'webhook-id': 'evt_1' },
  body: '{"type":"order.created"}',
  timeout: 1_000,
  responseExcerptBytes: 4,
  ...overrides,
});

function transportFor(endpointId = 'erp') {
  const recorded: Array<RecordedRequest & { facts: AttemptIdentity }> = [];
  let attemptNumber = 0;
  const transport = new InMemoryWebhookTransport(
    () => ({ endpointId, attemptNumber: ++attemptNumber }),
    (record, facts) => recorded.push({ ...record, facts }),
  );
  return { transport, recorded };
}

describe('InMemoryWebhookTransport', () => {
  it('answers 200 with an empty body unless told otherwise, and records the request as given', async () => {
    const { transport, recorded } = transportFor();
    const sent = request();
    expect(await transport.send(sent)).toEqual({ status: 200, bodyExcerpt: '' });
    expect(recorded).toEqual([
      { request: sent, answer: { status: 200, body: '' }, facts: { endpointId: 'erp', attemptNumber: 1 } },
    ]);
  });

  it("answers an endpoint's own answer before the one set for every endpoint", async () => {
    const { transport } = transportFor('erp');
    transport.respond(undefined, { status: 500 });
    transport.respond('erp', { status: 202, body: 'accepted', retryAfter: '60' });
    expect(await transport.send(request())).toEqual({ status: 202, bodyExcerpt: 'acce', retryAfter: '60' });
  });

  it('answers a list in turn and repeats its last answer', async () => {
    const { transport } = transportFor();
    transport.respond('erp', [{ status: 500 }, { status: 503 }, { status: 200 }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await transport.send(request())).status);
    expect(statuses).toEqual([500, 503, 200, 200]);
  });

  it('gives a function the request and its attempt number', async () => {
    const { transport } = transportFor();
    transport.respond('erp', (sent, attempt) => ({ status: attempt === 1 ? 500 : 200, body: sent.url }));
    expect((await transport.send(request())).status).toBe(500);
    expect(await transport.send(request())).toEqual({ status: 200, bodyExcerpt: 'http' });
  });

  it('rejects without a response for an error answer, and records the error', async () => {
    const { transport, recorded } = transportFor();
    transport.respond('erp', { error: 'connect ECONNREFUSED 203.0.113.7:443' });
    await expect(transport.send(request())).rejects.toThrow('connect ECONNREFUSED 203.0.113.7:443');
    expect(recorded[0]!.answer).toEqual({ error: 'connect ECONNREFUSED 203.0.113.7:443' });
  });

  it('times out like a real endpoint when the delay is longer than the request timeout', async () => {
    const { transport, recorded } = transportFor();
    transport.respond('erp', { status: 200, delay: 60_000 });
    await expect(transport.send(request({ timeout: 5 }))).rejects.toThrow('timed out after 5 ms');
    expect(recorded[0]!.answer).toEqual({ error: 'timed out after 5 ms' });
  });

  it('gives up at once when the relay abandons the request', async () => {
    const { transport } = transportFor();
    transport.respond('erp', { status: 200, delay: 60_000 });
    const abandon = new AbortController();
    const sending = transport.send(request({ signal: abandon.signal, timeout: 120_000 }));
    abandon.abort(new Error('lease lost'));
    await expect(sending).rejects.toThrow('abandoned: lease lost');
  });

  it('answers 200 again after reset()', async () => {
    const { transport } = transportFor();
    transport.respond('erp', { status: 500 });
    transport.reset();
    expect((await transport.send(request())).status).toBe(200);
  });

  it('refuses an empty list of answers', () => {
    expect(() => transportFor().transport.respond('erp', [])).toThrow(/at least one answer/);
  });
});
