import { createHash } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  WebhookAdminModule,
  WebhookEndpoints,
  WebhookPublisher,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { WebhookEndpointEntity } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import type { HttpPlatform } from './support/receiver-test-app.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'operator-token-for-tests';
const CREDENTIAL = 'Bearer receiver-credential-0123';

@Injectable()
class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

const admin = WebhookAdminModule.register({ path: 'ops', guards: [OperatorGuard] });
const key1 = Buffer.alloc(32, 1).toString('base64');
const key2 = Buffer.alloc(32, 2).toString('hex');
/** The id a sealed value names its key by: the first 8 hex digits of the SHA-256 of the key's bytes. */
const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);
const key1Id = keyId(Buffer.alloc(32, 1));
const key2Id = keyId(Buffer.alloc(32, 2));
const options = (keys: string[]): WebhookModuleOptions => ({
  relay: { enabled: false },
  eventTypes: ['invoice.paid'],
  encryption: { keys },
});

// Every database; the platform only matters for the response headers, so Fastify once.
const CASES: Array<[string, HttpPlatform]> = [
  ...DATABASE_KINDS.map((kind) => [kind, 'express'] as [string, HttpPlatform]),
  ['sqlite', 'fastify'],
];

describe.each(CASES)('credentials stay sealed on %s with %s', (kind, platform) => {
  const context = useWebhookTestContext(kind as (typeof DATABASE_KINDS)[number]);
  const start = (keys = [key1]) => context.start(() => options(keys), { imports: [admin], listen: true, platform });
  /** The application again on the same tables, with other keys (a restart). */
  const restart = async (keys: string[]) => {
    await context.closeApp();
    return context.startAnother(() => options(keys), { imports: [admin], listen: true, platform });
  };
  const call = (app: WebhookTestApp) => adminClient(app, '/ops', TOKEN);
  const storedRow = (app: WebhookTestApp, id: string) =>
    app.dataSource.getRepository(WebhookEndpointEntity).findOneByOrFail({ id });
  const sentHeaders = async (app: WebhookTestApp) => {
    const before = context.receiver.requests.length;
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { n: before } }),
    );
    await app.relay.runOnce();
    return (await context.receiver.waitForRequests(before + 1))[before]!.headers;
  };
  const create = (app: WebhookTestApp) =>
    call(app)('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
      headers: { authorization: CREDENTIAL, 'x-shop': 'demo-shop' },
    });

  it('stores custom header values sealed with the first key, and sends them as given', async () => {
    const app = await start();
    const { body: created } = await create(app);
    const stored = JSON.stringify((await storedRow(app, created.id)).headers);
    expect(stored).not.toContain('receiver-credential');
    expect(stored).not.toContain('demo-shop');
    expect(Object.keys((await storedRow(app, created.id)).headers)).toEqual(['authorization', 'x-shop']);
    expect(stored).toContain(`enc:v1:${key1Id}:`);
    expect(await sentHeaders(app)).toMatchObject({ authorization: CREDENTIAL, 'x-shop': 'demo-shop' });
  });

  it('shows header names with masked values in the create, get, list and update answers', async () => {
    const app = await start();
    const created = await create(app);
    const id = created.body.id;
    const answers = [
      created,
      await call(app)('GET', `/endpoints/${id}`),
      await call(app)('GET', '/endpoints'),
      await call(app)('PATCH', `/endpoints/${id}`, { headers: { authorization: CREDENTIAL } }),
    ];
    expect(answers.map(({ status }) => status)).toEqual([201, 200, 200, 200]);
    expect(created.body.headers).toEqual({ authorization: '…', 'x-shop': '…' });
    expect(answers[3]!.body.headers).toEqual({ authorization: '…' });
    for (const { body } of answers) {
      expect(JSON.stringify(body)).not.toContain('receiver-credential');
      expect(JSON.stringify(body)).not.toContain('demo-shop');
    }
    expect(app.logs.join('\n')).not.toContain('receiver-credential');
  });

  it('keeps a header value when its masked value is sent back in an update, and drops the names left out', async () => {
    const app = await start();
    const { body: created } = await create(app);
    const answer = await call(app)('PATCH', `/endpoints/${created.id}`, {
      headers: { Authorization: '…', 'x-region': 'eu' },
    });
    expect(answer).toMatchObject({ status: 200, body: { headers: { Authorization: '…', 'x-region': '…' } } });
    const sent = await sentHeaders(app);
    expect(sent).toMatchObject({ authorization: CREDENTIAL, 'x-region': 'eu' });
    expect(sent).not.toHaveProperty('x-shop');
    expect(JSON.stringify((await storedRow(app, created.id)).headers)).not.toContain('receiver-credential');
  });

  it('refuses a masked value for a header the endpoint does not have, naming it, and changes nothing', async () => {
    const app = await start();
    const { body: created } = await create(app);
    const before = await storedRow(app, created.id);
    const answer = await call(app)('PATCH', `/endpoints/${created.id}`, { headers: { 'x-api-key': '…' } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'headers.x-api-key', message: expect.stringMatching(/give its value/) },
    ]);
    expect(await storedRow(app, created.id)).toEqual(before);
  });

  it('reads header values stored in plaintext before they were sealed, and seals them at the next update', async () => {
    const app = await start();
    const { body: created } = await call(app)('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
    });
    const row = await storedRow(app, created.id);
    // A row as an earlier version left it: header values in plaintext.
    await app.dataSource
      .getRepository(WebhookEndpointEntity)
      .update({ id: created.id }, { headers: { authorization: CREDENTIAL }, updatedAt: row.updatedAt + 1 });
    expect((await call(app)('GET', `/endpoints/${created.id}`)).body.headers).toEqual({ authorization: '…' });
    expect(await sentHeaders(app)).toMatchObject({ authorization: CREDENTIAL });

    await call(app)('PATCH', `/endpoints/${created.id}`, { description: 'billing' });
    const stored = JSON.stringify((await storedRow(app, created.id)).headers);
    expect(stored).not.toContain('receiver-credential');
    expect(await sentHeaders(app)).toMatchObject({ authorization: CREDENTIAL });
  });

  it('reseals header values with the new first key in resealSecrets()', async () => {
    let app = await start([key1]);
    const { body: created } = await create(app);
    app = await restart([key2, key1]);
    expect(await app.app.get(WebhookEndpoints).resealSecrets()).toBe(1);
    const stored = JSON.stringify((await storedRow(app, created.id)).headers);
    expect(stored).toContain(`enc:v1:${key2Id}:`);
    expect(stored).not.toContain(key1Id);
    app = await restart([key2]);
    expect(await sentHeaders(app)).toMatchObject({ authorization: CREDENTIAL, 'x-shop': 'demo-shop' });
  });

  it('sends Cache-Control: no-store with a created endpoint and a rotated secret', async () => {
    const app = await start();
    const created = await create(app);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const rotated = await call(app)('POST', `/endpoints/${created.body.id}/rotate-secret`, {});
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    { restartedWith: 'a new key only', keys: [key2], body: {} },
    { restartedWith: 'a new key only', keys: [key2], body: { overlap: 0 } },
    { restartedWith: 'no key at all', keys: [], body: {} },
    { restartedWith: 'no key at all', keys: [], body: { overlap: 0 } },
  ])(
    'answers 409 naming the missing key when restarted with $restartedWith, to rotate-secret $body, and stores nothing',
    async ({ keys, body }) => {
      const first = await start([key1]);
      const { body: created } = await create(first);
      const before = await storedRow(first, created.id);
      const app = await restart(keys);
      const answer = await call(app)('POST', `/endpoints/${created.id}/rotate-secret`, body);
      expect(answer.status).toBe(409);
      expect(answer.body.message).toContain(`sealed with key ${key1Id}, which is not in encryption.keys`);
      expect(answer.body.message).toMatch(/add that key back/);
      expect(answer.body).not.toHaveProperty('secret');
      expect(await storedRow(app, created.id)).toEqual(before);
      expect(JSON.stringify((await storedRow(app, created.id)).secrets)).not.toContain('whsec_');
    },
  );
});
