import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookDeliveries,
  WebhookEndpointNotFoundError,
  WebhookEndpoints,
  WebhookEventTypes,
  WebhookPublisher,
  WebhookTransactionRequiredError,
  WebhookValidationError,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { WebhookEndpointEntity } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { ShopOrder, ShopSale } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { ReceivedRequest } from './support/webhook-receiver.js';
import { ManualClock, startWebhookTestApp, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const HOUR = 3_600_000;
const appSecret = generateWebhookSecret();

/** Module options with the relay driven by hand and the declared types the tests publish. */
const manual = (extra: WebhookModuleOptions = {}): WebhookModuleOptions => ({
  relay: { enabled: false },
  eventTypes: ['invoice.paid', 'report.ready'],
  ...extra,
});

/** Whether the request carries a valid signature by `secret` (at `now`, for a request sent by a moved clock). */
function signedBy(request: ReceivedRequest, secret: string, now = Date.now()): boolean {
  try {
    verifyStandardWebhook({ payload: request.body, headers: request.headers, secret, now });
    return true;
  } catch {
    return false;
  }
}

async function refusal(promise: Promise<unknown>): Promise<WebhookValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookValidationError);
  return error as WebhookValidationError;
}

/** Publishes one event in a transaction of its own. */
function publish(app: WebhookTestApp, type: string, data: unknown, tenant?: string): Promise<string> {
  return app.dataSource.transaction((manager) =>
    app.app.get(WebhookPublisher).publish(manager, { type, data, ...(tenant && { tenant }) }),
  );
}

describe.each(DATABASE_KINDS)('endpoints stored in the database on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('creates an endpoint whose generated secret is returned once and signs what it receives', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const created = await endpoints.create({ url: context.receiver.url, eventTypes: ['order.*'], description: 'ERP' });

    expect(created).toMatchObject({
      source: 'database',
      tenant: null,
      url: context.receiver.url,
      eventTypes: ['order.*'],
      method: 'POST',
      bodyFormat: 'json',
      description: 'ERP',
      disabled: null,
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await endpoints.list())).not.toContain(created.secret.slice(6));
    expect(await endpoints.get(created.id)).not.toHaveProperty('secret');

    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada' });
    await app.relay.runOnce();
    const [request] = await context.receiver.waitForRequests(1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'order.created' });
    expect(signedBy(request!, created.secret)).toBe(true);
  });

  it('imports an existing secret instead of generating one', async () => {
    const app = await context.start(() => manual());
    const secret = generateWebhookSecret();
    const created = await app.app.get(WebhookEndpoints).create({ url: context.receiver.url, secret });
    expect(created.secret).toBe(secret);
    await publish(app, 'invoice.paid', { invoice: 1 });
    await app.relay.runOnce();
    expect(signedBy((await context.receiver.waitForRequests(1))[0]!, secret)).toBe(true);
  });

  it('refuses bad input with a message for every field at fault, and stores nothing', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const error = await refusal(
      endpoints.create({
        url: 'ftp://example.com/x',
        eventTypes: ['order.*', 'ordr.created', 'order*'],
        method: 'PUT' as 'POST',
        headers: { 'webhook-signature': 'x', 'X-Ok': 'fine', 'bad name': 'x' },
        secret: 'hunter2',
        colour: 'red',
      } as never),
    );
    expect(error.errors).toEqual([
      {
        field: 'colour',
        message:
          'is not a field; use url, eventTypes, method, bodyFormat, payloadFormat, headers, description, traceHeaders, filter, transform, rateLimit, secret, signature.',
      },
      { field: 'url', message: expect.stringMatching(/ftp: URLs are not deliverable/) },
      {
        field: 'eventTypes[1]',
        message: expect.stringMatching(
          /"ordr.created" matches no known event type\. Known types: .*invoice\.paid.*order\.created/,
        ),
      },
      { field: 'eventTypes[2]', message: expect.stringMatching(/"order\*" is not an event type pattern/) },
      { field: 'method', message: 'must be "POST" or "GET"; got "PUT".' },
      { field: 'headers.webhook-signature', message: 'is set by the sender itself and cannot be replaced.' },
      { field: 'headers.bad name', message: 'is not a valid header name.' },
      { field: 'secret', message: expect.stringMatching(/generateWebhookSecret\(\)/) },
    ]);
    expect(await endpoints.list()).toEqual([]);
    expect(await app.dataSource.getRepository(WebhookEndpointEntity).count()).toBe(0);
  });

  it('refuses a URL whose IPv6 address embeds a forbidden IPv4 one, naming it, and stores nothing', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    for (const host of ['[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::1]', '[::ffff:0:a9fe:a9fe]']) {
      const error = await refusal(endpoints.create({ url: `https://${host}/hooks` }));
      expect(error.errors).toEqual([
        {
          field: 'url',
          message: expect.stringMatching(/it embeds 169\.254\.169\.254 \(.+\), a cloud metadata address/),
        },
      ]);
    }
    expect(await app.dataSource.getRepository(WebhookEndpointEntity).count()).toBe(0);
  });

  it('knows the event types of @EmitsWebhook entities and of the eventTypes option, and accepts wildcards over them', async () => {
    const app = await context.start(() => manual());
    const types = app.app.get(WebhookEventTypes).list();
    expect(types).toContainEqual(
      expect.objectContaining({
        type: 'order.created',
        source: 'ShopOrder',
        example: expect.objectContaining({ type: 'order.created' }),
      }),
    );
    expect(types).toContainEqual(expect.objectContaining({ type: 'invoice.paid', source: 'options' }));
    expect(types).toContainEqual(expect.objectContaining({ type: 'sale.created', source: 'ShopSale' }));
    const endpoints = app.app.get(WebhookEndpoints);
    await expect(endpoints.create({ url: context.receiver.url, eventTypes: ['*'] })).resolves.toMatchObject({
      eventTypes: ['*'],
    });
    await expect(
      endpoints.create({ url: context.receiver.url, eventTypes: ['billing.*', 'report.ready'] }),
    ).resolves.toBeDefined();
    expect(
      (await refusal(endpoints.create({ url: context.receiver.url, eventTypes: ['shipping.*'] }))).errors[0]?.field,
    ).toBe('eventTypes[0]');
  });

  it('updates only the given fields, and routes events by the new subscription from then on', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({ url: context.receiver.url, eventTypes: ['order.*'], description: 'first' });
    const updated = await endpoints.update(id, { eventTypes: ['invoice.paid'], headers: { 'x-api-key': 'k1' } });
    expect(updated).toMatchObject({
      eventTypes: ['invoice.paid'],
      description: 'first',
      headers: { 'x-api-key': '…' }, // write-only: shown masked, sent as given
      url: context.receiver.url,
    });

    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada' });
    await publish(app, 'invoice.paid', { invoice: 7 });
    await app.relay.runOnce();
    const requests = await context.receiver.waitForRequests(1);
    expect(requests.map((r) => JSON.parse(r.body).type)).toEqual(['invoice.paid']);
    expect(requests[0]!.headers['x-api-key']).toBe('k1');

    await expect(endpoints.update(id, { description: null })).resolves.toMatchObject({ description: null });
    expect((await refusal(endpoints.update(id, { method: 'GET', bodyFormat: 'form' }))).errors).toEqual([
      { field: 'bodyFormat', message: 'a GET request has no body: use POST for "form".' },
    ]);
    await expect(endpoints.update('ep_nope', { description: 'x' })).rejects.toThrow(WebhookEndpointNotFoundError);
  });

  it('sends GET as signed query parameters, a form body signed as sent, and extra headers', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const get = await endpoints.create({
      url: `${context.receiver.url}/get`,
      eventTypes: ['invoice.paid'],
      method: 'GET',
    });
    const form = await endpoints.create({
      url: `${context.receiver.url}/form`,
      eventTypes: ['invoice.paid'],
      bodyFormat: 'form',
      headers: { 'x-shop': 'north' },
    });
    await publish(app, 'invoice.paid', { invoice: 7, lines: [{ sku: 'A1' }] });
    await app.relay.runOnce();
    const requests = await context.receiver.waitForRequests(2);
    const byPath = new Map(requests.map((request) => [new URL(request.url, 'http://x').pathname, request]));

    const getRequest = byPath.get('/hooks/get')!;
    expect(getRequest.method).toBe('GET');
    const query = getRequest.url.slice(getRequest.url.indexOf('?') + 1);
    expect(new URLSearchParams(query).get('data.lines.0.sku')).toBe('A1');
    expect(verifyStandardWebhook({ payload: query, headers: getRequest.headers, secret: get.secret }).id).toMatch(
      /^msg_/,
    );

    const formRequest = byPath.get('/hooks/form')!;
    expect(formRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(formRequest.headers['x-shop']).toBe('north');
    expect(new URLSearchParams(formRequest.body).get('data.invoice')).toBe('7');
    expect(signedBy(formRequest, form.secret)).toBe(true);
  });

  it('sends a thin endpoint only the event type and the entity id, signed, while a full one gets everything', async () => {
    const app = await context.start((url) =>
      manual({
        endpoints: [
          {
            id: 'static-thin',
            url: `${url}/static`,
            secret: appSecret,
            eventTypes: ['order.*'],
            payloadFormat: 'thin',
          },
        ],
      }),
    );
    const thin = await app.app
      .get(WebhookEndpoints)
      .create({ url: `${context.receiver.url}/thin`, eventTypes: ['order.*', 'invoice.paid'], payloadFormat: 'thin' });
    await app.app.get(WebhookEndpoints).create({ url: `${context.receiver.url}/full`, eventTypes: ['order.*'] });
    const order = await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 3 });
    await publish(app, 'invoice.paid', { invoice: 1 });
    await app.relay.runOnce();
    const requests = await context.receiver.waitForRequests(4);
    const at = (path: string) =>
      requests.filter((request) => request.url === `/hooks/${path}`).map((request) => JSON.parse(request.body));
    expect(at('static')).toEqual([
      { type: 'order.created', timestamp: expect.any(String), data: { id: String(order.id) } },
    ]);
    expect(at('thin')).toEqual(
      expect.arrayContaining([
        { type: 'order.created', timestamp: expect.any(String), data: { id: String(order.id) } },
        { type: 'invoice.paid', timestamp: expect.any(String), data: {} },
      ]),
    );
    expect(at('full')).toEqual([expect.objectContaining({ data: expect.objectContaining({ customer: 'Ada' }) })]);
    const thinRequest = requests.find((request) => request.url === '/hooks/thin')!;
    expect(signedBy(thinRequest, thin.secret)).toBe(true);
    expect(
      (
        await refusal(
          app.app.get(WebhookEndpoints).create({ url: context.receiver.url, payloadFormat: 'id-only' as 'thin' }),
        )
      ).errors,
    ).toEqual([{ field: 'payloadFormat', message: 'must be "full" or "thin"; got "id-only".' }]);
  });

  it('deletes an endpoint but keeps its delivery log, and sends it nothing more', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({ url: context.receiver.url, eventTypes: ['invoice.paid'] });
    for (const invoice of [1, 2]) {
      await publish(app, 'invoice.paid', { invoice });
      await app.relay.runOnce();
    }
    await endpoints.delete(id);
    await publish(app, 'invoice.paid', { invoice: 3 });
    await app.relay.runOnce();

    expect(await endpoints.get(id)).toBeNull();
    await expect(endpoints.delete(id)).rejects.toThrow(WebhookEndpointNotFoundError);
    const log = await app.app.get(WebhookDeliveries).list({ endpointId: id });
    expect(log.map((delivery) => delivery.status)).toEqual(['succeeded', 'succeeded']);
    expect(context.receiver.requests).toHaveLength(2);
  });

  it('fails the deliveries still pending when their endpoint is deleted with endpoint-deleted, at once and without a request', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({ url: context.receiver.url, eventTypes: ['invoice.paid'] });
    context.receiver.respondWith(() => ({ status: 500 }));
    await publish(app, 'invoice.paid', { invoice: 1 });
    await app.relay.runOnce(); // fails; a retry is scheduled
    expect((await app.app.get(WebhookDeliveries).list({ endpointId: id }))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
    });

    await endpoints.delete(id);
    const [delivery] = await app.app.get(WebhookDeliveries).list({ endpointId: id });
    expect(delivery).toMatchObject({
      status: 'failed',
      failureReason: 'endpoint-deleted',
      attempts: 1,
      lastError: `endpoint "${id}" was deleted`,
    });
    expect(delivery!.completedAt).not.toBeNull();
    await app.relay.runOnce();
    expect(context.receiver.requests).toHaveLength(1);
  });

  it('lists endpoints from options beside stored ones, and refuses to change them at runtime', async () => {
    const app = await context.start((url) =>
      manual({ endpoints: [{ id: 'erp', url, secret: appSecret, eventTypes: ['order.*'] }] }),
    );
    const endpoints = app.app.get(WebhookEndpoints);
    const stored = await endpoints.create({ url: context.receiver.url });
    expect((await endpoints.list()).map((e) => [e.id, e.source])).toEqual([
      ['erp', 'options'],
      [stored.id, 'database'],
    ]);
    expect((await refusal(endpoints.update('erp', { description: 'x' }))).errors[0]?.message).toMatch(
      /defined in WebhookModule options: change it there/,
    );
    await refusal(endpoints.delete('erp'));
    await refusal(endpoints.rotateSecret('erp'));
    await endpoints.disable('erp', 'maintenance');
    expect((await endpoints.get('erp'))?.disabled?.reason).toBe('maintenance');
  });

  it('is seen by the relay of another instance on its next round', async () => {
    const first = await context.start(() => manual());
    const second = await startWebhookTestApp(context.database, manual(), { keepTables: true });
    try {
      await second.relay.runOnce(); // loads the (empty) stored endpoints
      const created = await first.app
        .get(WebhookEndpoints)
        .create({ url: context.receiver.url, eventTypes: ['invoice.paid'] });
      await publish(first, 'invoice.paid', { invoice: 1 });
      await second.relay.runOnce();
      const [request] = await context.receiver.waitForRequests(1);
      expect(signedBy(request!, created.secret)).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe.each(DATABASE_KINDS)('tenants on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it("hides a tenant's endpoints from every other tenant, exactly as if they did not exist", async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const north = await endpoints.create({ url: `${context.receiver.url}/north` }, { tenant: 'north' });
    const south = await endpoints.create({ url: `${context.receiver.url}/south` }, { tenant: 'south' });
    const south2 = { tenant: 'south' };

    expect(north.tenant).toBe('north');
    expect((await endpoints.list({ tenant: 'north' })).map((e) => e.id)).toEqual([north.id]);
    expect((await endpoints.list()).map((e) => e.id).sort()).toEqual([north.id, south.id].sort());
    expect(await endpoints.get(north.id, south2)).toBeNull();
    for (const call of [
      () => endpoints.update(north.id, { description: 'mine now' }, south2),
      () => endpoints.rotateSecret(north.id, {}, south2),
      () => endpoints.disable(north.id, 'x', south2),
      () => endpoints.enable(north.id, south2),
      () => endpoints.delete(north.id, south2),
    ]) {
      await expect(call()).rejects.toThrow(WebhookEndpointNotFoundError);
    }
    expect(await endpoints.get(north.id, { tenant: 'north' })).toMatchObject({ description: null, disabled: null });
  });

  it("delivers a tenant's events to its own endpoints and the application's, never to another tenant's", async () => {
    const app = await context.start((url) =>
      manual({ endpoints: [{ id: 'ops', url: `${url}/ops`, secret: appSecret, eventTypes: ['*'] }] }),
    );
    const endpoints = app.app.get(WebhookEndpoints);
    await endpoints.create({ url: `${context.receiver.url}/north` }, { tenant: 'north' });
    await endpoints.create({ url: `${context.receiver.url}/south` }, { tenant: 'south' });

    await app.dataSource.getRepository(ShopSale).save({ shop: 'north', amount: 5 }); // tenant from @EmitsWebhook
    await publish(app, 'invoice.paid', { invoice: 9 }, 'south'); // tenant given to publish()
    await publish(app, 'report.ready', { report: 1 }); // no tenant: the application's endpoints only
    for (let round = 0; round < 3; round++) await app.relay.runOnce();

    const received = context.receiver.requests
      .map((r) => `${new URL(r.url, 'http://x').pathname} ${JSON.parse(r.body).type}`)
      .sort();
    expect(received).toEqual([
      '/hooks/north sale.created',
      '/hooks/ops invoice.paid',
      '/hooks/ops report.ready',
      '/hooks/ops sale.created',
      '/hooks/south invoice.paid',
    ]);
    const log = await app.app.get(WebhookDeliveries).list({ tenant: 'south' });
    expect(log.map((d) => d.eventType)).toEqual(['invoice.paid']);
  });
});

describe.each(DATABASE_KINDS)('secret rotation on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('signs with both secrets during the overlap, then with the new one only', async () => {
    const clock = new ManualClock();
    const app = await context.start(() => manual(), { clock });
    const endpoints = app.app.get(WebhookEndpoints);
    const { id, secret: oldSecret } = await endpoints.create({
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
    });
    const { secret: newSecret, previousSecretExpiresAt } = await endpoints.rotateSecret(id, { overlap: HOUR });
    expect(previousSecretExpiresAt).toBe(clock.now() + HOUR);
    expect(await endpoints.get(id)).toMatchObject({ previousSecretExpiresAt: clock.now() + HOUR });

    await publish(app, 'invoice.paid', { invoice: 1 });
    await app.relay.runOnce();
    const [during] = await context.receiver.waitForRequests(1);
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(signedBy(during!, oldSecret)).toBe(true);
    expect(signedBy(during!, newSecret)).toBe(true);

    clock.advance(HOUR);
    await publish(app, 'invoice.paid', { invoice: 2 });
    await app.relay.runOnce();
    const [, after] = await context.receiver.waitForRequests(2);
    expect(String(after!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(signedBy(after!, newSecret, clock.now())).toBe(true);
    expect(signedBy(after!, oldSecret, clock.now())).toBe(false);
    expect(await endpoints.get(id)).toMatchObject({ previousSecretExpiresAt: null });
  });

  it('retires the old secret at once with overlap 0, and keeps an imported new secret', async () => {
    const app = await context.start(() => manual());
    const endpoints = app.app.get(WebhookEndpoints);
    const { id, secret: oldSecret } = await endpoints.create({
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
    });
    const imported = generateWebhookSecret();
    expect(await endpoints.rotateSecret(id, { secret: imported, overlap: 0 })).toEqual({
      secret: imported,
      previousSecretExpiresAt: null,
      publicKey: null,
    });
    await publish(app, 'invoice.paid', { invoice: 1 });
    await app.relay.runOnce();
    const [request] = await context.receiver.waitForRequests(1);
    expect(signedBy(request!, imported)).toBe(true);
    expect(signedBy(request!, oldSecret)).toBe(false);
    expect((await refusal(endpoints.rotateSecret(id, { overlap: -1 }))).errors).toEqual([
      { field: 'overlap', message: 'must be a whole number of milliseconds ≥ 0.' },
    ]);
  });
});

describe.each(DATABASE_KINDS)('secrets encrypted at rest on %s', (kind) => {
  const context = useWebhookTestContext(kind);
  const key1 = Buffer.alloc(32, 1).toString('base64');
  const key2 = Buffer.alloc(32, 2).toString('hex');
  const key3 = Buffer.alloc(32, 3).toString('base64');

  const storedSecrets = async (app: WebhookTestApp, id: string) =>
    (await app.dataSource.getRepository(WebhookEndpointEntity).findOneByOrFail({ id })).secrets.map((s) => s.secret);
  const restart = async (app: WebhookTestApp, keys: string[]) => {
    await app.close();
    return startWebhookTestApp(context.database, manual({ encryption: { keys } }), { keepTables: true });
  };
  const deliversSignedWith = async (app: WebhookTestApp, secret: string) => {
    const before = context.receiver.requests.length;
    await publish(app, 'invoice.paid', { n: before });
    await app.relay.runOnce();
    const requests = await context.receiver.waitForRequests(before + 1);
    return signedBy(requests[before]!, secret);
  };

  it('stores only sealed secrets, opens them with any configured key, and reseals with the first', async () => {
    let app = await context.start(() => manual({ encryption: { keys: [key1] } }));
    const { id, secret } = await app.app
      .get(WebhookEndpoints)
      .create({ url: context.receiver.url, eventTypes: ['invoice.paid'] });
    const [sealed] = await storedSecrets(app, id);
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(await deliversSignedWith(app, secret)).toBe(true);

    app = await restart(app, [key2, key1]); // a new key first; the old one still opens
    try {
      expect(await deliversSignedWith(app, secret)).toBe(true);
      expect(await app.app.get(WebhookEndpoints).resealSecrets()).toBe(1);
      expect(await app.app.get(WebhookEndpoints).resealSecrets()).toBe(0);
      expect((await storedSecrets(app, id))[0]).not.toBe(sealed);
    } finally {
      app = await restart(app, [key2]); // the old key removed
    }
    try {
      expect(await deliversSignedWith(app, secret)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('records a clear, retried failure when no configured key opens the secret, and sends nothing', async () => {
    let app = await context.start(() => manual({ encryption: { keys: [key1] } }));
    const { id } = await app.app
      .get(WebhookEndpoints)
      .create({ url: context.receiver.url, eventTypes: ['invoice.paid'] });
    app = await restart(app, [key3]);
    try {
      await publish(app, 'invoice.paid', { n: 1 });
      await app.relay.runOnce();
      const [delivery] = await app.app.get(WebhookDeliveries).list({ endpointId: id });
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
      expect(delivery!.lastError).toMatch(/sealed with key [0-9a-f]{8}, which is not in encryption\.keys/);
      expect(context.receiver.requests).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('reads plaintext secrets stored before encryption was on, and seals them at the next rotation', async () => {
    let app = await context.start(() => manual());
    const { id, secret } = await app.app
      .get(WebhookEndpoints)
      .create({ url: context.receiver.url, eventTypes: ['invoice.paid'] });
    expect(await storedSecrets(app, id)).toEqual([secret]);
    app = await restart(app, [key1]);
    try {
      expect(await deliversSignedWith(app, secret)).toBe(true);
      const { secret: newSecret } = await app.app.get(WebhookEndpoints).rotateSecret(id);
      const stored = await storedSecrets(app, id);
      expect(stored).toHaveLength(2);
      for (const value of stored) expect(value).toMatch(/^enc:v1:/);
      expect(await deliversSignedWith(app, secret)).toBe(true);
      expect(await deliversSignedWith(app, newSecret)).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe.each(DATABASE_KINDS)('explicit publishing on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('delivers a published event once its transaction commits, and nothing when it rolls back', async () => {
    const app = await context.start((url) =>
      manual({ endpoints: [{ url, secret: appSecret, eventTypes: ['invoice.paid'] }] }),
    );
    const publisher = app.app.get(WebhookPublisher);
    await expect(
      app.dataSource.transaction(async (manager) => {
        await publisher.publish(manager, { type: 'invoice.paid', data: { invoice: 'rolled back' } });
        throw new Error('payment failed');
      }),
    ).rejects.toThrow('payment failed');
    const id = await publish(app, 'invoice.paid', { invoice: 'INV-1', amount: 10n });
    await app.relay.runOnce();
    await app.relay.runOnce();
    const requests = await context.receiver.waitForRequests(1);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['webhook-id']).toBe(id);
    expect(JSON.parse(requests[0]!.body)).toMatchObject({
      type: 'invoice.paid',
      data: { invoice: 'INV-1', amount: '10' },
    });
  });

  it('refuses a manager outside a transaction, and an undeclared type with the list of known ones', async () => {
    const app = await context.start(() => manual());
    const publisher = app.app.get(WebhookPublisher);
    await expect(publisher.publish(app.dataSource.manager, { type: 'invoice.paid', data: {} })).rejects.toThrow(
      WebhookTransactionRequiredError,
    );
    await expect(publisher.publish(app.dataSource.manager, { type: 'invoice.paid', data: {} })).rejects.toThrow(
      /inside dataSource\.transaction/,
    );
    await expect(
      app.dataSource.transaction((manager) => publisher.publish(manager, { type: 'invoice.payed', data: {} })),
    ).rejects.toThrow(
      /"invoice.payed" is not a declared event type: add it to WebhookModule's eventTypes option\. Known types: .*invoice\.paid/,
    );
  });
});
