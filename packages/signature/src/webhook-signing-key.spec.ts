import * as noble from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks.scheme.js';
import { WebhookSecretError } from './webhook-secret.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { generateWebhookSigningKey, webhookPublicKeyOf } from './webhook-signing-key.js';

// The Standard Webhooks repository's own asymmetric test vectors (libraries/go/webhook_asymmetric_test.go).
const SPEC_SIGNING_KEY = 'VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=';
const SPEC_VERIFY_KEY = 'V0VCSE9PS0FTWU1NRVRSSUNURVNUUFJJVkFURUtFWTE=';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_SIGNATURE = 'v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==';

describe('v1a (ed25519) Standard Webhooks signatures', () => {
  it("sign the spec's test vector to the spec's expected signature", () => {
    const headers = signStandardWebhook({
      id: SPEC_ID,
      timestamp: 1614265330,
      payload: '{"test": 2432232314}',
      secret: `whsk_${SPEC_SIGNING_KEY}`,
    });
    expect(headers['webhook-signature']).toBe(SPEC_SIGNATURE);
  });

  it("verify the spec's signature with the public key of its secret key, and nothing else", () => {
    const headers = { 'webhook-id': SPEC_ID, 'webhook-timestamp': '1614265330', 'webhook-signature': SPEC_SIGNATURE };
    const now = 1614265330_000;
    const publicKey = webhookPublicKeyOf(`whsk_${SPEC_SIGNING_KEY}`);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(verifyStandardWebhook({ payload: '{"test": 2432232314}', headers, secret: publicKey, now })).toEqual({
      id: SPEC_ID,
      timestamp: 1614265330,
    });
    const otherKey = webhookPublicKeyOf(`whsk_${SPEC_VERIFY_KEY}`);
    expect(() => verifyStandardWebhook({ payload: '{"test": 2432232314}', headers, secret: otherKey, now })).toThrow(
      expect.objectContaining({ reason: 'invalid-signature' }),
    );
    expect(() => verifyStandardWebhook({ payload: '{"test": 2432232315}', headers, secret: publicKey, now })).toThrow(
      expect.objectContaining({ reason: 'invalid-signature' }),
    );
  });

  // The cases of the spec's verification table, against a freshly signed request.
  const pair = generateWebhookSigningKey();
  const signedNow = (at = Date.now()) =>
    signStandardWebhook({ id: 'msg_1', timestamp: Math.floor(at / 1000), payload: 'body', secret: pair.secretKey });
  const verify = (headers: Record<string, string>) =>
    verifyStandardWebhook({ payload: 'body', headers, secret: pair.publicKey });

  it('refuse a request without its id, timestamp or signature header', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers: Record<string, string> = { ...signedNow() };
      delete headers[name];
      expect(() => verify(headers)).toThrow(expect.objectContaining({ reason: 'missing-header' }));
    }
  });

  it('refuse a wrong or partial v1a signature, and a v1 signature where a v1a key is configured', () => {
    const headers = signedNow();
    expect(() =>
      verify({ ...headers, 'webhook-signature': 'v1a,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=' }),
    ).toThrow(expect.objectContaining({ reason: 'malformed-header' }));
    expect(() => verify({ ...headers, 'webhook-signature': 'v1a,' })).toThrow(
      expect.objectContaining({ reason: 'malformed-header' }),
    );
    const v1Only = signStandardWebhook({
      id: 'msg_1',
      timestamp: Math.floor(Date.now() / 1000),
      payload: 'body',
      secret: generateWebhookSecret(),
    });
    expect(() => verify(v1Only)).toThrow('has no v1a signature');
  });

  it('refuse a timestamp outside the tolerance in either direction', () => {
    expect(() => verify(signedNow(Date.now() - 301_000))).toThrow(
      expect.objectContaining({ reason: 'timestamp-out-of-tolerance' }),
    );
    expect(() => verify(signedNow(Date.now() + 301_000))).toThrow(
      expect.objectContaining({ reason: 'timestamp-out-of-tolerance' }),
    );
  });

  it('accept the valid one among several signatures of other versions', () => {
    const headers = signedNow();
    const junk = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const header = [junk, 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', headers['webhook-signature'], junk].join(
      ' ',
    );
    expect(verify({ ...headers, 'webhook-signature': header }).id).toBe('msg_1');
  });

  it('sign v1 and v1a side by side during a move from a whsec_ secret to a key pair, each verifiable alone', () => {
    const hmacSecret = generateWebhookSecret();
    const headers = signStandardWebhook({
      id: 'msg_2',
      timestamp: Math.floor(Date.now() / 1000),
      payload: 'body',
      secret: [pair.secretKey, hmacSecret],
    });
    expect(headers['webhook-signature']).toMatch(/^v1a,\S+ v1,\S+$/);
    expect(verifyStandardWebhook({ payload: 'body', headers, secret: pair.publicKey }).id).toBe('msg_2');
    expect(verifyStandardWebhook({ payload: 'body', headers, secret: hmacSecret }).id).toBe('msg_2');
  });

  it('make signatures that an independent ed25519 implementation (@noble/ed25519) verifies', async () => {
    const headers = signedNow();
    const signature = Buffer.from(headers['webhook-signature'].slice('v1a,'.length), 'base64');
    const publicKey = Buffer.from(pair.publicKey.slice('whpk_'.length), 'base64');
    const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.body`);
    expect(await noble.verifyAsync(signature, content, publicKey)).toBe(true);
    expect(await noble.verifyAsync(signature, Buffer.from(`${headers['webhook-id']}.0.body`), publicKey)).toBe(false);
  });

  it('derive the public key that an independent implementation derives from the same seed', async () => {
    const seed = Buffer.from(pair.secretKey.slice('whsk_'.length), 'base64');
    expect(`whpk_${Buffer.from(await noble.getPublicKeyAsync(seed)).toString('base64')}`).toBe(pair.publicKey);
  });

  it('refuse keys that are not 32 bytes of base64, saying what one looks like', () => {
    expect(() => webhookPublicKeyOf('whsk_short')).toThrow(WebhookSecretError);
    expect(() => webhookPublicKeyOf('whsk_short')).toThrow(/"whsk_" followed by the base64 of 32 bytes/);
    expect(() => verifyStandardWebhook({ payload: 'body', headers: signedNow(), secret: 'whpk_!!' })).toThrow(
      /generateWebhookSigningKey\(\)/,
    );
  });
});
