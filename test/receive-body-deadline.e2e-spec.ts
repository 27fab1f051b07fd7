import { Controller, HttpCode, Post } from '@nestjs/common';
import { applyWebhookBodyLimits, generateWebhookSecret, IncomingWebhook, VerifyWebhook } from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS, type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';
import { until } from './support/until.js';

const secret = generateWebhookSecret();
const handled: string[] = [];
/** The deadline under test: short, so the suite stays fast. */
const BODY_TIMEOUT_MS = 300;
/**
 * How long a 408 may take to come back on a loaded 2-core host: far above the deadline, far below Node's own 300 s
 * request timeout, which is what answered before.
 */
const GENEROUS_BOUND_MS = 5_000;

@Controller('hooks')
class SlowHooksController {
  @Post('slow')
  @HttpCode(204)
  @VerifyWebhook('slow')
  receive(@IncomingWebhook() webhook: IncomingWebhook) {
    handled.push(webhook.id);
  }
}

interface TrickleResult {
  /** Everything the server wrote back before closing. */
  answer: string;
  /** Milliseconds from the first byte of the body to the connection's close. */
  closedAfterMs: number;
}

/**
 * Writes a signed request head declaring a body of `body.length` bytes, then the body one byte every 100 ms, as a
 * slow or hostile sender does; resolves when the server closes the connection (or after 10 s, with what came back).
 */
function trickle(base: string, contentType: string, body: string): Promise<TrickleResult> {
  const { hostname, port, host } = new URL(base);
  const { headers } = signWebhook({ secret, payload: body });
  const head = [
    'POST /hooks/slow HTTP/1.1',
    `host: ${host}`,
    ...Object.entries({ ...headers, 'content-type': contentType }).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(body)}`,
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve) => {
    let answer = '';
    let sent = 0;
    let started = 0;
    let drip: NodeJS.Timeout | undefined;
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      started = performance.now();
      drip = setInterval(() => {
        if (sent < body.length && !socket.destroyed) socket.write(body[sent++]!);
      }, 100);
    });
    // A hard stop: the trickle keeps the socket busy, so an idle timeout would never fire.
    const giveUp = setTimeout(() => socket.destroy(), 10_000);
    const done = () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve({ answer, closedAfterMs: performance.now() - started });
    };
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
  });
}

const JSON_BODY = JSON.stringify({ type: 'payment.settled', data: { id: 'p_1', note: 'x'.repeat(200) } });
const XML_BODY = `<payment><id>p_1</id><note>${'x'.repeat(200)}</note></payment>`;

describe.each(HTTP_PLATFORMS)('the body deadline on %s, set up with applyWebhookBodyLimits()', (platform) => {
  let database: TestDatabase;
  let app: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await startReceiverApp(database, {
      platform,
      controllers: [SlowHooksController],
      receivers: { slow: { secret, bodyTimeout: BODY_TIMEOUT_MS } },
      // No PlatformClientErrorsFilter: the 408 must need nothing else to stay out of the error log.
      configure: (nest) => void applyWebhookBodyLimits(nest),
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });
  afterEach(() => {
    handled.length = 0;
  });

  const errorLines = () => app.logs.filter((line) => line.startsWith('error'));

  // JSON is read by the platform before any guard runs; XML by the guard on Express and by the platform on Fastify.
  it.each([
    ['JSON', 'application/json', JSON_BODY],
    ['XML', 'application/xml', XML_BODY],
  ])(
    'answers 408 and closes the connection when a %s body trickles past bodyTimeout, with a warning and no error',
    async (_kind, contentType, body) => {
      const { answer, closedAfterMs } = await trickle(app.base, contentType, body);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(closedAfterMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
      expect(closedAfterMs).toBeLessThan(GENEROUS_BOUND_MS);
      expect(handled).toEqual([]);
      await until(() => app.logs.some((line) => line.startsWith('warn') && /bodyTimeout/.test(line)));
      await delay(100); // anything the platform logs after the connection closed
      expect(errorLines()).toEqual([]);
    },
  );
});

describe('the body deadline without applyWebhookBodyLimits(), on express', () => {
  let database: TestDatabase;
  let app: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await startReceiverApp(database, {
      platform: 'express',
      controllers: [SlowHooksController],
      receivers: { slow: { secret, bodyTimeout: BODY_TIMEOUT_MS } },
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('has the guard answer 408 to a body it reads itself after bodyTimeout, recorded as a body-timeout refusal', async () => {
    const { answer, closedAfterMs } = await trickle(app.base, 'application/xml', XML_BODY);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(GENEROUS_BOUND_MS);
    expect(app.refusals.at(-1)).toMatchObject({ receiver: 'slow', reason: 'body-timeout' });
    expect(app.logs.filter((line) => line.startsWith('warn')).at(-1)).toMatch(/body-timeout/);
    expect(app.logs.filter((line) => line.startsWith('error'))).toEqual([]);
    expect(handled).toEqual([]);
  });
});
