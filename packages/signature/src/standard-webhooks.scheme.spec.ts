import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  computeStandardWebhookSignature,
  signStandardWebhook,
  verifyStandardWebhook,
} from './standard-webhooks.scheme.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

// The worked example published in the Standard Webhooks specification.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_PAYLOAD = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('Standard Webhooks signing', () => {
  it('reproduces the signature of the specification example', () => {
    const signature = computeStandardWebhookSignature({
      id: SPEC_ID,
      timestamp: SPEC_TIMESTAMP,
      payload: SPEC_PAYLOAD,
      secret: SPEC_SECRET,
    });
    expect(signature).toBe(SPEC_SIGNATURE);
  });

  it('produces the three headers, with the timestamp in Unix seconds', () => {
    const headers = signStandardWebhook({
      id: 'msg_1',
      timestamp: new Date(1_700_000_000_999),
      payload: '{}',
      secret: SPEC_SECRET,
    });
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('signs with every secret given, space separated, so receivers on either secret accept it', () => {
    const other = generateWebhookSecret();
    const headers = signStandardWebhook({
      id: 'msg_1',
      timestamp: 1_700_000_000,
      payload: 'x',
      secret: [SPEC_SECRET, other],
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [SPEC_SECRET, other]) {
      expect(verifyStandardWebhook({ payload: 'x', headers: { ...headers }, secret, now: 1_700_000_000_000 }).id).toBe(
        'msg_1',
      );
    }
  });

  it('refuses an empty id', () => {
    expect(() => signStandardWebhook({ id: '', timestamp: 1, payload: 'x', secret: SPEC_SECRET })).toThrow(
      /webhook id/,
    );
  });
});

describe('Standard Webhooks verification', () => {
  const now = SPEC_TIMESTAMP * 1000;
  const headers = {
    'webhook-id': SPEC_ID,
    'webhook-timestamp': String(SPEC_TIMESTAMP),
    'webhook-signature': SPEC_SIGNATURE,
  };

  it('accepts the specification example and returns its id and timestamp', () => {
    expect(verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers, secret: SPEC_SECRET, now })).toEqual({
      id: SPEC_ID,
      timestamp: SPEC_TIMESTAMP,
    });
  });

  it('accepts Buffer payloads byte for byte', () => {
    expect(verifyStandardWebhook({ payload: Buffer.from(SPEC_PAYLOAD), headers, secret: SPEC_SECRET, now }).id).toBe(
      SPEC_ID,
    );
  });

  it('finds headers whatever their case', () => {
    const mixed = {
      'Webhook-Id': SPEC_ID,
      'WEBHOOK-TIMESTAMP': String(SPEC_TIMESTAMP),
      'webhook-signature': [SPEC_SIGNATURE],
    };
    expect(verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers: mixed, secret: SPEC_SECRET, now }).id).toBe(SPEC_ID);
  });

  it('refuses a tampered payload as invalid-signature', () => {
    expect(
      reasonOf(() => verifyStandardWebhook({ payload: '{"test": 2432232315}', headers, secret: SPEC_SECRET, now })),
    ).toBe('invalid-signature');
  });

  it('refuses a tampered id as invalid-signature', () => {
    const forged = { ...headers, 'webhook-id': 'msg_other' };
    expect(
      reasonOf(() => verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers: forged, secret: SPEC_SECRET, now })),
    ).toBe('invalid-signature');
  });

  it('refuses the wrong secret as invalid-signature', () => {
    const wrong = generateWebhookSecret();
    expect(reasonOf(() => verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers, secret: wrong, now }))).toBe(
      'invalid-signature',
    );
  });

  it('accepts when any of several secrets matches', () => {
    const secrets = [generateWebhookSecret(), SPEC_SECRET];
    expect(verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers, secret: secrets, now }).id).toBe(SPEC_ID);
  });

  it('accepts a header carrying several signatures when one matches', () => {
    const several = { ...headers, 'webhook-signature': `v1,AAAA v2,ignored ${SPEC_SIGNATURE}` };
    expect(verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers: several, secret: SPEC_SECRET, now }).id).toBe(
      SPEC_ID,
    );
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a request without %s as missing-header',
    (name) => {
      const partial: Record<string, string> = { ...headers };
      delete partial[name];
      expect(
        reasonOf(() => verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers: partial, secret: SPEC_SECRET, now })),
      ).toBe('missing-header');
    },
  );

  it('refuses a timestamp that is not a number as malformed-header', () => {
    const bad = { ...headers, 'webhook-timestamp': '2021-02-25T15:02:10Z' };
    expect(
      reasonOf(() => verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers: bad, secret: SPEC_SECRET, now })),
    ).toBe('malformed-header');
  });

  it('refuses a signature header without any v1 entry as malformed-header', () => {
    const bad = { ...headers, 'webhook-signature': 'garbage' };
    expect(
      reasonOf(() => verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers: bad, secret: SPEC_SECRET, now })),
    ).toBe('malformed-header');
  });

  it.each([
    ['older', -301],
    ['newer', +301],
  ])('refuses a timestamp more than 5 minutes %s than now', (_, offsetSeconds) => {
    const at = now + offsetSeconds * 1000;
    expect(
      reasonOf(() => verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers, secret: SPEC_SECRET, now: at })),
    ).toBe('timestamp-out-of-tolerance');
  });

  it('accepts a timestamp exactly at the edge of the tolerance', () => {
    expect(verifyStandardWebhook({ payload: SPEC_PAYLOAD, headers, secret: SPEC_SECRET, now: now + 300_000 }).id).toBe(
      SPEC_ID,
    );
  });

  it('honours a custom tolerance', () => {
    expect(
      reasonOf(() =>
        verifyStandardWebhook({
          payload: SPEC_PAYLOAD,
          headers,
          secret: SPEC_SECRET,
          now: now + 11_000,
          toleranceSeconds: 10,
        }),
      ),
    ).toBe('timestamp-out-of-tolerance');
  });
});

describe('interoperability with the official standardwebhooks library', () => {
  it('produces signatures the official library verifies', () => {
    const secret = generateWebhookSecret();
    const payload = JSON.stringify({ type: 'order.created', timestamp: new Date().toISOString(), data: { id: 1 } });
    const headers = signStandardWebhook({ id: 'msg_interop', timestamp: new Date(), payload, secret });
    expect(new Webhook(secret).verify(payload, { ...headers })).toEqual(JSON.parse(payload));
  });

  it('verifies what the official library signs', () => {
    const secret = generateWebhookSecret();
    const payload = '{"hello":"world"}';
    const at = new Date();
    const signature = new Webhook(secret).sign('msg_official', at, payload);
    const headers = {
      'webhook-id': 'msg_official',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(verifyStandardWebhook({ payload, headers, secret }).id).toBe('msg_official');
  });
});
