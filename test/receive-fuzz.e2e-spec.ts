import { Controller, HttpCode, Post } from '@nestjs/common';
import { generateWebhookSecret, IncomingWebhook, VerifyWebhook } from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS, type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';

const RUNS = Number(process.env.WEBHOOK_FUZZ_RUNS ?? 10_000);

const receivers = {
  standard: { scheme: 'standard-webhooks' as const, secret: generateWebhookSecret() },
  stripe: { scheme: 'stripe' as const, secret: 'whsec_fuzzing' },
  github: { scheme: 'github' as const, secret: 'fuzz-github' },
  slack: { scheme: 'slack' as const, secret: 'fuzz-slack' },
  shopify: { scheme: 'shopify' as const, secret: 'fuzz-shopify', maxBodySize: 256 },
};
type ReceiverName = keyof typeof receivers;

@Controller('fuzz')
class FuzzController {
  @Post('standard')
  @HttpCode(200)
  @VerifyWebhook('standard')
  standard(@IncomingWebhook() webhook: IncomingWebhook) {
    return { id: webhook.id };
  }

  @Post('stripe')
  @HttpCode(200)
  @VerifyWebhook('stripe')
  stripe(@IncomingWebhook() webhook: IncomingWebhook) {
    return { id: webhook.id };
  }

  @Post('github')
  @HttpCode(200)
  @VerifyWebhook('github')
  github(@IncomingWebhook() webhook: IncomingWebhook) {
    return { id: webhook.id };
  }

  @Post('slack')
  @HttpCode(200)
  @VerifyWebhook('slack')
  slack(@IncomingWebhook() webhook: IncomingWebhook) {
    return { id: webhook.id };
  }

  @Post('shopify')
  @HttpCode(200)
  @VerifyWebhook('shopify')
  shopify(@IncomingWebhook() webhook: IncomingWebhook) {
    return { id: webhook.id };
  }
}

const headerText = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,80}$/);
const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'nonsense',
);

/** One change a sender (or an attacker) could make to a correctly signed request. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip-byte' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('replace-body' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
  fc.record({ kind: fc.constant('json-body' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('drop-header' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('set-header' as const), pick: fc.nat(), value: headerText }),
  fc.record({ kind: fc.constant('content-type' as const), value: fc.oneof(contentTypes, headerText) }),
  fc.record({ kind: fc.constant('no-content-type' as const) }),
  fc.record({ kind: fc.constant('timestamp' as const), offset: fc.integer({ min: -1e7, max: 1e7 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function apply(request: { body: Buffer; headers: Record<string, string> }, change: Mutation): void {
  const names = Object.keys(request.headers);
  switch (change.kind) {
    case 'flip-byte':
      if (request.body.length > 0) request.body[change.at % request.body.length]! ^= 1 << change.bit;
      break;
    case 'truncate':
      request.body = request.body.subarray(0, change.at % (request.body.length + 1));
      break;
    case 'append':
      request.body = Buffer.concat([request.body, change.bytes]);
      break;
    case 'replace-body':
      request.body = Buffer.from(change.bytes);
      break;
    case 'json-body':
      request.body = Buffer.from(JSON.stringify(change.value) ?? 'null');
      break;
    case 'drop-header':
      delete request.headers[names[change.pick % names.length]!];
      break;
    case 'set-header':
      request.headers[names[change.pick % names.length]!] = change.value;
      break;
    case 'content-type':
      request.headers['content-type'] = change.value;
      break;
    case 'no-content-type':
      delete request.headers['content-type'];
      break;
    case 'timestamp':
      for (const name of ['webhook-timestamp', 'x-slack-request-timestamp']) {
        if (request.headers[name]) request.headers[name] = String(Number(request.headers[name]) + change.offset);
      }
      break;
  }
}

describe.each(HTTP_PLATFORMS)('random mutations of signed webhooks on %s', (platform) => {
  let database: TestDatabase;
  let receiver: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    receiver = await startReceiverApp(database, { platform, controllers: [FuzzController], receivers });
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  it(`never answer 5xx, over ${RUNS} requests`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(receivers) as ReceiverName[])),
        fc.record({ amount: fc.integer(), note: fc.string({ maxLength: 40 }) }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (name, payload, changes) => {
          const signed = signWebhook({
            scheme: receivers[name].scheme,
            secret: receivers[name].secret,
            payload: { id: `evt_${payload.amount}`, ...payload },
          });
          const request = { body: Buffer.from(signed.body), headers: { ...signed.headers } };
          for (const change of changes) apply(request, change);
          const response = await fetch(`${receiver.base}/fuzz/${name}`, {
            method: 'POST',
            body: request.body,
            headers: request.headers,
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${name} ${JSON.stringify(changes)}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
    // The mutations reach the verifier, not only the framework's body parser.
    expect(statuses.get(401) ?? 0).toBeGreaterThan(RUNS / 10);
    console.info(`${platform}: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  }, 300_000);
});
