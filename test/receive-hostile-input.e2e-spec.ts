import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  generateWebhookSecret,
  IncomingWebhook,
  PlatformClientErrorsFilter,
  VerifyWebhook,
} from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS, type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';
import { until } from './support/until.js';

const secret = generateWebhookSecret();

@Controller('hooks')
class HostileHooksController {
  @Post('standard')
  @HttpCode(204)
  @VerifyWebhook('standard')
  receive(@IncomingWebhook() _webhook: IncomingWebhook) {}
}

/** Writes `request` on a raw socket, optionally hanging up before the body is complete; the answer, if any. */
function rawRequest(base: string, request: string, { hangUp = false } = {}): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(request);
      if (hangUp) setTimeout(() => socket.destroy(), 50);
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    socket.setTimeout(3_000, () => socket.destroy());
  });
}

/** A signed text/plain webhook's request head, as a sender would write it, with the given transfer headers. */
function head(base: string, transfer: string): string {
  const { headers } = signWebhook({ secret, payload: 'plain text' });
  const lines = Object.entries({ ...headers, 'content-type': 'text/plain' }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return [`POST /hooks/standard HTTP/1.1`, `host: ${new URL(base).host}`, ...lines, transfer, '', ''].join('\r\n');
}

describe.each(HTTP_PLATFORMS)('hostile input on %s', (platform) => {
  let database: TestDatabase;
  let app: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    // Set up as the README says: the platform's own refusals (Fastify reads text/plain bodies itself) are answered
    // without an ERROR log by PlatformClientErrorsFilter.
    app = await startReceiverApp(database, {
      platform,
      controllers: [HostileHooksController],
      receivers: { standard: { secret } },
      configure: (nest) => nest.useGlobalFilters(new PlatformClientErrorsFilter(nest.getHttpAdapter())),
    });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const errorLines = () => app.logs.filter((line) => line.startsWith('error:'));

  it('logs no error when a sender hangs up in the middle of its body', async () => {
    await rawRequest(app.base, `${head(app.base, 'content-length: 1000')}only part of it`, { hangUp: true });
    await delay(200);
    expect(errorLines()).toEqual([]);
  });

  it('answers a broken chunked encoding with a 4xx and logs no error', async () => {
    const answer = await rawRequest(
      app.base,
      `${head(app.base, 'transfer-encoding: chunked')}zz\r\nplain text\r\n0\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    await delay(200);
    expect(errorLines()).toEqual([]);
  });

  // Only where the guard reads the body itself: Fastify reads text/plain bodies before any guard runs, and a body
  // cut short there is the platform's 400, answered without an error log (above).
  it.skipIf(platform === 'fastify')(
    'records a body cut short as a refusal (incomplete-body), with a warning',
    async () => {
      const before = app.refusals.length;
      await rawRequest(app.base, `${head(app.base, 'transfer-encoding: chunked')}5\r\nplain\r\n`, { hangUp: true });
      await until(() => app.refusals.length > before);
      expect(app.refusals.at(-1)).toMatchObject({ receiver: 'standard', reason: 'incomplete-body' });
      expect(app.logs.filter((line) => line.startsWith('warn:')).at(-1)).toMatch(/incomplete-body/);
    },
  );
});
