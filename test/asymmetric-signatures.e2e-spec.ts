import * as noble from '@noble/ed25519';
import {
  generateWebhookSecret,
  generateWebhookSigningKey,
  verifyStandardWebhook,
  WebhookEndpoints,
  WebhookValidationError,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { ReceivedRequest } from './support/webhook-receiver.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

/** Whether `request` carries a v1a signature that `publicKey` verifies. */
function verifiesWith(request: ReceivedRequest, publicKey: string): boolean {
  try {
    verifyStandardWebhook({ payload: request.body, headers: request.headers, secret: publicKey });
    return true;
  } catch {
    return false;
  }
}

describe.each(DATABASE_KINDS)('v1a signatures on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('sign with the whsk_ key of an endpoint in options, verifiably by its public key and by @noble/ed25519', async () => {
    const keys = generateWebhookSigningKey();
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret: keys.secretKey }],
      relay: { enabled: false },
    }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();

    const [request] = context.receiver.requests;
    const header = String(request!.headers['webhook-signature']);
    expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesWith(request!, keys.publicKey)).toBe(true);
    const content = `${request!.headers['webhook-id']}.${request!.headers['webhook-timestamp']}.${request!.body}`;
    const publicKey = Buffer.from(keys.publicKey.slice('whpk_'.length), 'base64');
    expect(await noble.verifyAsync(Buffer.from(header.slice(4), 'base64'), Buffer.from(content), publicKey)).toBe(true);
    expect((await app.app.get(WebhookEndpoints).get('erp'))?.publicKeys).toEqual([keys.publicKey]);
  });

  it('create a stored v1a endpoint: its whsk_ key returned once, its whpk_ public key shown in every status', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const created = await endpoints.create({ url: context.receiver.url, signature: 'v1a' });
    expect(created.secret).toMatch(/^whsk_/);
    expect(created).toMatchObject({ signature: 'v1a', publicKeys: [expect.stringMatching(/^whpk_/)] });
    const listed = await endpoints.list();
    expect(listed).toEqual([expect.objectContaining({ publicKeys: created.publicKeys, signature: 'v1a' })]);
    expect(JSON.stringify(listed)).not.toContain('whsk_');

    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    expect(verifiesWith(context.receiver.requests[0]!, created.publicKeys[0]!)).toBe(true);
  });

  it('rotate a v1a key with an overlap: both keys sign meanwhile, and both public keys are listed', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const {
      id,
      publicKeys: [before],
    } = await endpoints.create({ url: context.receiver.url, signature: 'v1a' });
    const rotated = await endpoints.rotateSecret(id, { overlap: 60_000 });
    expect(rotated.secret).toMatch(/^whsk_/);
    expect((await endpoints.get(id))?.publicKeys).toEqual([rotated.publicKey, before]);

    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    const [request] = context.receiver.requests;
    expect(String(request!.headers['webhook-signature'])).toMatch(/^v1a,\S+ v1a,\S+$/);
    expect(verifiesWith(request!, rotated.publicKey!)).toBe(true);
    expect(verifiesWith(request!, before!)).toBe(true);
  });

  it('move an endpoint from v1 to v1a by rotating, sending both signatures during the overlap', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const { id, secret } = await endpoints.create({ url: context.receiver.url });
    const rotated = await endpoints.rotateSecret(id, { signature: 'v1a' });
    expect(await endpoints.get(id)).toMatchObject({ signature: 'v1a', publicKeys: [rotated.publicKey] });

    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    const [request] = context.receiver.requests;
    expect(String(request!.headers['webhook-signature'])).toMatch(/^v1a,\S+ v1,\S+$/);
    expect(verifiesWith(request!, rotated.publicKey!)).toBe(true);
    expect(verifiesWith(request!, secret)).toBe(true);
  });

  it('refuse a whpk_ public key as a secret, and a signature the secret given does not make, naming the field', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const keys = generateWebhookSigningKey();
    const refusal = (input: Parameters<WebhookEndpoints['create']>[0]) =>
      endpoints.create(input).then(
        () => expect.unreachable('create() accepted it'),
        (error: unknown) => error as WebhookValidationError,
      );

    const publicKeyAsSecret = await refusal({ url: context.receiver.url, secret: keys.publicKey });
    expect(publicKeyAsSecret).toBeInstanceOf(WebhookValidationError);
    expect(publicKeyAsSecret.errors).toEqual([{ field: 'secret', message: expect.stringMatching(/whpk_ public key/) }]);
    const mismatch = await refusal({ url: context.receiver.url, secret: generateWebhookSecret(), signature: 'v1a' });
    expect(mismatch.errors).toEqual([
      { field: 'signature', message: 'is "v1a", but the secret given makes v1 signatures.' },
    ]);
    expect(await endpoints.list()).toEqual([]);
  });
});
