import { AxiosWebhookTransport, NodeHttpWebhookTransport } from '@webhook-outbox/nestjs/internal';
import { DestinationPolicy, type OutgoingWebhookRequest, type WebhookTransport } from '@webhook-outbox/nestjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from './support/loopback.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const loopback = new DestinationPolicy({ allowHttp: true, allowPrivateNetworks: true });

/** Both transports keep one contract; the relay cannot tell them apart. */
describe.each([
  ['axios', (policy: DestinationPolicy) => new AxiosWebhookTransport(policy)],
  ['node-http', (policy: DestinationPolicy) => new NodeHttpWebhookTransport(policy)],
] as const)('the %s transport', (_name, create) => {
  let receiver: WebhookReceiver;
  let transport: WebhookTransport;
  const request = (overrides: Partial<OutgoingWebhookRequest> = {}): OutgoingWebhookRequest => ({
    method: 'POST',
    url: `${receiver.url}/orders`,
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
    body: '{"type":"order.created","data":{"name":"Zoë"}}',
    timeout: 2_000,
    responseExcerptBytes: 64,
    ...overrides,
  });

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    transport = create(loopback);
  });
  afterEach(async () => {
    await transport.close?.();
    await receiver.stop();
  });

  it('sends the body byte for byte with its headers, and returns the status with at most the excerpt of the response', async () => {
    receiver.respondWith(() => ({ status: 202, body: 'x'.repeat(10_000) }));
    expect(await transport.send(request())).toEqual({ status: 202, bodyExcerpt: 'x'.repeat(64) });
    const [received] = receiver.requests;
    expect(received).toMatchObject({
      method: 'POST',
      url: '/hooks/orders',
      body: '{"type":"order.created","data":{"name":"Zoë"}}',
    });
    const length = String(Buffer.byteLength(request().body!)); // ë is two bytes
    expect(received!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'content-length': length,
    });
  });

  it('sends GET without a body', async () => {
    await transport.send(request({ method: 'GET', url: `${receiver.url}?type=order.created`, body: undefined }));
    expect(receiver.requests[0]).toMatchObject({ method: 'GET', url: '/hooks?type=order.created', body: '' });
  });

  it('returns a redirect as its status and does not follow it', async () => {
    receiver.respondWith((incoming) =>
      incoming.url === '/hooks/orders'
        ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } }
        : { status: 200 },
    );
    expect(await transport.send(request())).toMatchObject({ status: 302 });
    expect(receiver.requests.map((incoming) => incoming.url)).toEqual(['/hooks/orders']);
  });

  it('passes Retry-After on', async () => {
    receiver.respondWith(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    expect(await transport.send(request())).toEqual({ status: 429, bodyExcerpt: '', retryAfter: '120' });
  });

  it('fails with "timed out" when the whole exchange takes longer than the timeout', async () => {
    receiver.respondWith(() => ({ status: 200, delayMs: 1_000 }));
    await expect(transport.send(request({ timeout: 150 }))).rejects.toThrow('timed out after 150 ms');
  });

  it('fails with "abandoned" and the reason when the relay abandons the exchange mid-way', async () => {
    receiver.respondWith(() => ({ status: 200, delayMs: 1_000 }));
    const abandon = new AbortController();
    const sent = transport.send(request({ signal: abandon.signal }));
    setTimeout(() => abandon.abort(new Error('the claim could not be renewed')), 100);
    await expect(sent).rejects.toThrow('abandoned: the claim could not be renewed');
  });

  it('does not send a request the relay has already abandoned', async () => {
    const abandon = new AbortController();
    abandon.abort(new Error('the claim could not be renewed'));
    await expect(transport.send(request({ signal: abandon.signal }))).rejects.toThrow(/^abandoned: /);
    expect(receiver.requests).toEqual([]);
  });

  it('fails saying the connection was refused when nothing listens', async () => {
    const port = await freePort();
    await expect(transport.send(request({ url: `http://127.0.0.1:${port}/hooks` }))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses, at connect time, a host name that resolves to an address the policy refuses', async () => {
    const strict = create(new DestinationPolicy({ allowHttp: true, allowPrivateNetworks: false }));
    try {
      const port = new URL(receiver.url).port;
      await expect(strict.send(request({ url: `http://localhost:${port}/hooks` }))).rejects.toThrow(
        /localhost \(resolves to .*\) is refused/,
      );
      expect(receiver.requests).toEqual([]);
    } finally {
      await strict.close?.();
    }
  });

  it('keeps the connection alive between requests', async () => {
    for (let n = 0; n < 20; n++) await transport.send(request());
    expect(receiver.requests).toHaveLength(20);
    expect(receiver.connections).toBe(1);
  });

  it('connects to the endpoint itself even when the environment names a proxy (the address checked is the one connected to)', async () => {
    const proxy = await WebhookReceiver.start();
    const saved = {
      HTTP_PROXY: process.env.HTTP_PROXY,
      http_proxy: process.env.http_proxy,
      NO_PROXY: process.env.NO_PROXY,
      no_proxy: process.env.no_proxy,
    };
    process.env.HTTP_PROXY = process.env.http_proxy = `http://127.0.0.1:${new URL(proxy.url).port}`;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      expect(await transport.send(request())).toMatchObject({ status: 200 });
      expect(receiver.requests).toHaveLength(1);
      expect(proxy.requests).toEqual([]);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await proxy.stop();
    }
  });
});
