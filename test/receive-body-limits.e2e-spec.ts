import { Controller, HttpCode, type INestApplication, Post } from '@nestjs/common';
import {
  applyWebhookBodyLimits,
  generateWebhookSecret,
  IncomingWebhook,
  PlatformClientErrorsFilter,
  VerifyWebhook,
} from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS, type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';

const secret = generateWebhookSecret();
const MiB = 1024 * 1024;
const handled: string[] = [];

@Controller('hooks')
class LargeHooksController {
  @Post('large')
  @HttpCode(200)
  @VerifyWebhook('large')
  large(@IncomingWebhook() webhook: IncomingWebhook) {
    handled.push(webhook.id);
    return { id: webhook.id, bytes: webhook.rawBody.length };
  }
}

/** A signed JSON webhook of about `bytes` bytes. */
const signedOfSize = (bytes: number) =>
  signWebhook({ secret, payload: { type: 'export.ready', filler: 'x'.repeat(bytes) } });

describe.each(HTTP_PLATFORMS)('body limits on %s', (platform) => {
  let database: TestDatabase;
  let app: ReceiverTestApp | undefined;
  const start = (bodyLimit?: number, configure?: (app: INestApplication) => void) =>
    startReceiverApp(database, {
      platform,
      bodyLimit,
      configure,
      controllers: [LargeHooksController],
      receivers: { large: { secret, maxBodySize: 4 * MiB } },
    });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await database.drop();
  });

  it("answers 413, never a 5xx or an error log, to a signed webhook above the platform's own limit (with PlatformClientErrorsFilter)", async () => {
    app = await start(undefined, (nest) =>
      nest.useGlobalFilters(new PlatformClientErrorsFilter(nest.getHttpAdapter())),
    );
    const { body, headers } = signedOfSize(1.2 * MiB); // above Express's 100 kB and Fastify's 1 MiB defaults
    const before = handled.length;
    const response = await app.post('/hooks/large', body, headers);
    expect(response.status).toBe(413);
    expect(handled.length).toBe(before);
    expect(app.logs.filter((line) => line.startsWith('error:'))).toEqual([]);
  });

  it("accepts a webhook up to the receiver's maxBodySize once the platform's limit is raised, with its exact bytes", async () => {
    app = await start(4 * MiB);
    const { body, headers } = signedOfSize(3 * MiB);
    const response = await app.post('/hooks/large', body, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: headers['webhook-id'], bytes: Buffer.byteLength(body) });
  });

  it('leaves a body within the raised limit but above maxBodySize to the guard: 413 and a refusal event', async () => {
    app = await start(8 * MiB);
    const { body, headers } = signedOfSize(5 * MiB);
    const response = await app.post('/hooks/large', body, headers);
    expect(response.status).toBe(413);
    expect(app.refusals.at(-1)).toMatchObject({ reason: 'payload-too-large', receiver: 'large' });
  });

  it('fits the platform to the receivers with applyWebhookBodyLimits(), or refuses to start naming the fix', async () => {
    const fit = (nest: INestApplication) => void applyWebhookBodyLimits(nest);
    if (platform === 'fastify') {
      // Fastify's limit (1 MiB by default) is fixed with its adapter; a 4 MiB receiver cannot work with it.
      await expect(start(undefined, fit)).rejects.toThrow(/new FastifyAdapter\(\{ bodyLimit: 8388608 \}\)/);
      return;
    }
    app = await start(undefined, fit);
    const fits = signedOfSize(3 * MiB);
    expect((await app.post('/hooks/large', fits.body, fits.headers)).status).toBe(200);
    const tooLarge = signedOfSize(5 * MiB);
    expect((await app.post('/hooks/large', tooLarge.body, tooLarge.headers)).status).toBe(413);
    expect(app.refusals.at(-1)).toMatchObject({ reason: 'payload-too-large', receiver: 'large' });
  });
});
