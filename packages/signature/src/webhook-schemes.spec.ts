import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { githubScheme } from './github.scheme.js';
import { hmacHeaderScheme } from './hmac-header.scheme.js';
import type { IncomingHeaders } from './incoming-headers.js';
import { seatableScheme } from './seatable.scheme.js';
import { shopifyScheme } from './shopify.scheme.js';
import { slackScheme } from './slack.scheme.js';
import { standardWebhooksScheme } from './standard-webhooks.scheme.js';
import { stripeScheme } from './stripe.scheme.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { resolveWebhookScheme } from './webhook-schemes.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

const NOW = 1_795_000_000_000;
const NOW_SECONDS = NOW / 1000;

function verify(
  scheme: WebhookScheme,
  payload: string | Buffer,
  headers: IncomingHeaders,
  secrets: string[],
  now = NOW,
) {
  return scheme.verify({ payload, headers, secrets, toleranceSeconds: 300, now });
}

function refusal(fn: () => unknown): { reason: string; message: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { reason: error.reason, message: error.message };
    throw error;
  }
  return undefined;
}

const schemes: Array<{
  scheme: WebhookScheme;
  secret: () => string;
  payload: string;
  signsTime: boolean;
  id: 'header' | 'body' | 'none';
}> = [
  {
    scheme: standardWebhooksScheme,
    secret: () => generateWebhookSecret(),
    payload: '{"type":"order.created"}',
    signsTime: true,
    id: 'header',
  },
  {
    scheme: stripeScheme,
    secret: () => `whsec_${generateWebhookSecret().slice(6, 30)}`,
    payload: '{"id":"evt_1","object":"event"}',
    signsTime: true,
    id: 'body',
  },
  {
    scheme: githubScheme,
    secret: () => `gh-secret-${Math.random()}`,
    payload: '{"zen":"Keep it logically awesome."}',
    signsTime: false,
    id: 'header',
  },
  {
    scheme: shopifyScheme,
    secret: () => `shpss_${Math.random()}`,
    payload: '{"id":820982911946154508}',
    signsTime: false,
    id: 'header',
  },
  {
    scheme: seatableScheme,
    secret: () => `seatable-${Math.random()}`,
    payload: '{"event":"update","data":{"op_time":1649922777.279}}',
    signsTime: false,
    id: 'none',
  },
  {
    scheme: slackScheme,
    secret: () => `slack-${Math.random()}`,
    payload: '{"type":"event_callback","event_id":"Ev08MFMKH6"}',
    signsTime: true,
    id: 'body',
  },
];

describe.each(schemes)('the $scheme.name scheme', ({ scheme, secret, payload, signsTime, id }) => {
  const key = secret();
  const headers = scheme.sign({ payload, secret: key, id: 'delivery-42', timestamp: NOW_SECONDS });

  it('accepts what it signs, and says who the webhook is', () => {
    const identity = verify(scheme, payload, headers, [key]);
    if (id === 'header') expect(identity.id).toBe('delivery-42');
    if (id === 'body') expect(identity.id).toBe(JSON.parse(payload).id ?? JSON.parse(payload).event_id);
    if (id === 'none') expect(identity.id).toBeUndefined();
    expect(identity.timestamp).toBe(signsTime ? NOW_SECONDS : undefined);
  });

  it('verifies the exact bytes: one changed byte is an invalid signature', () => {
    expect(refusal(() => verify(scheme, payload.replace('"', "'"), headers, [key]))?.reason).toBe('invalid-signature');
    expect(refusal(() => verify(scheme, Buffer.from(`${payload} `), headers, [key]))?.reason).toBe('invalid-signature');
  });

  it('refuses a signature made with another secret', () => {
    expect(refusal(() => verify(scheme, payload, headers, [secret()]))?.reason).toBe('invalid-signature');
  });

  it('accepts any of several secrets, so a secret can be rotated', () => {
    expect(() => verify(scheme, payload, headers, [secret(), key])).not.toThrow();
  });

  it('names the missing header when there is none', () => {
    const refused = refusal(() => verify(scheme, payload, {}, [key]));
    expect(refused?.reason).toBe('missing-header');
    expect(refused?.message).toMatch(/^Missing header [a-z0-9-]+/);
  });

  it('refuses garbage in every signing header as a header problem, never by throwing anything else', () => {
    for (const name of Object.keys(headers)) {
      for (const junk of ['%%%', 'sha256=', 'v1=zz', 't=,v1=', ' ', 'é', '0'.repeat(5000)]) {
        const refused = refusal(() => verify(scheme, payload, { ...headers, [name]: junk }, [key]));
        // An unsigned id header (GitHub's, Shopify's) is the sender's business: junk there may pass.
        if (refused === undefined) expect(name).toMatch(/-delivery$|-webhook-id$/);
        else
          expect(['missing-header', 'malformed-header', 'invalid-signature', 'timestamp-out-of-tolerance']).toContain(
            refused.reason,
          );
      }
    }
  });
});

describe.each(schemes.filter((entry) => entry.signsTime))(
  'the $scheme.name scheme, which signs a timestamp',
  ({ scheme, secret, payload }) => {
    it('refuses a timestamp more than the tolerance away, in either direction', () => {
      const key = secret();
      const headers = scheme.sign({ payload, secret: key, id: 'delivery-42', timestamp: NOW_SECONDS });
      expect(refusal(() => verify(scheme, payload, headers, [key], NOW + 301_000))?.reason).toBe(
        'timestamp-out-of-tolerance',
      );
      expect(refusal(() => verify(scheme, payload, headers, [key], NOW - 301_000))?.reason).toBe(
        'timestamp-out-of-tolerance',
      );
      expect(() => verify(scheme, payload, headers, [key], NOW + 299_000)).not.toThrow();
    });
  },
);

describe('vectors published by the senders', () => {
  it('matches GitHub\'s documented example (secret "It\'s a Secret to Everybody", body "Hello, World!")', () => {
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    };
    expect(verify(githubScheme, 'Hello, World!', headers, ["It's a Secret to Everybody"]).id).toBe(
      '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    );
    expect(
      githubScheme.sign({ payload: 'Hello, World!', secret: "It's a Secret to Everybody", id: 'x', timestamp: 0 })[
        'x-hub-signature-256'
      ],
    ).toBe(headers['x-hub-signature-256']);
  });

  it("matches Slack's documented slash-command example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
      '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = {
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    const identity = verify(slackScheme, body, headers, ['8f742231b10e8888abcd99yyyzzz85a5'], 1_531_420_618_000);
    expect(identity).toEqual({ id: undefined, timestamp: 1531420618 });
  });
});

describe("interoperability with the senders' own libraries", () => {
  it('accepts a Stripe-Signature made by the official stripe library, and stripe accepts ours', () => {
    const secret = 'whsec_test_secret_from_the_dashboard';
    const payload = JSON.stringify({ id: 'evt_3Q', object: 'event', type: 'payment_intent.succeeded' });
    const timestamp = Math.floor(Date.now() / 1000);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
    expect(
      stripeScheme.verify({
        payload,
        headers: { 'stripe-signature': header },
        secrets: [secret],
        toleranceSeconds: 300,
        now: Date.now(),
      }),
    ).toEqual({
      id: 'evt_3Q',
      timestamp,
    });
    const ours = stripeScheme.sign({ payload, secret, id: 'unused', timestamp })['stripe-signature'];
    expect(Stripe.webhooks.constructEvent(payload, ours, secret).id).toBe('evt_3Q');
  });

  it('refuses a correctly signed Stripe body that is not an event, as a body problem', () => {
    const secret = 'whsec_test_secret_from_the_dashboard';
    const payload = '["not","an","event"]';
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: NOW_SECONDS });
    expect(refusal(() => verify(stripeScheme, payload, { 'stripe-signature': header }, [secret]))?.reason).toBe(
      'malformed-body',
    );
  });

  it('accepts Svix header names carrying a signature made by the official standardwebhooks library', () => {
    const secret = generateWebhookSecret();
    const at = new Date(NOW);
    const payload = '{"type":"invoice.paid"}';
    const headers = {
      'svix-id': 'msg_svix',
      'svix-timestamp': String(NOW_SECONDS),
      'svix-signature': new Webhook(secret).sign('msg_svix', at, payload),
    };
    expect(verify(standardWebhooksScheme, payload, headers, [secret])).toEqual({
      id: 'msg_svix',
      timestamp: NOW_SECONDS,
    });
    expect(resolveWebhookScheme('svix')).toBe(standardWebhooksScheme);
  });
});

describe('custom schemes', () => {
  it('builds an HMAC header scheme from a description of the sender', () => {
    const acme = hmacHeaderScheme({
      name: 'acme',
      signatureHeader: 'X-Acme-Signature',
      encoding: 'base64',
      idHeader: 'X-Acme-Delivery',
    });
    const headers = acme.sign({ payload: 'hi', secret: 's3cret', id: 'd-1', timestamp: 0 });
    expect(Object.keys(headers)).toEqual(['x-acme-signature', 'x-acme-delivery']);
    expect(verify(acme, 'hi', headers, ['s3cret'])).toEqual({ id: 'd-1' });
  });

  it('refuses to resolve an unknown scheme name, listing the known ones', () => {
    expect(() => resolveWebhookScheme('paypal' as never)).toThrow(
      /Unknown webhook scheme "paypal"; built in: standard-webhooks, svix, stripe/,
    );
    expect(() => resolveWebhookScheme({ name: 'half' } as never)).toThrow(/verify\(\), sign\(\) and checkSecret\(\)/);
  });
});
