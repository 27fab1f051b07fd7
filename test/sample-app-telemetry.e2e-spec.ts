import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childProcessNodeArgs } from './stacks/test-stacks.js';
import { freePort } from './support/loopback.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const MAIN = fileURLToPath(new URL('../sample-app/src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(100);
  }
}

describe('the sample app as npm start runs it, with OTEL_TRACES_EXPORTER=console', () => {
  let app: ChildProcess;
  let output = '';
  let base: string;
  let database: TestDatabase;
  let outside: WebhookReceiver;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    outside = await WebhookReceiver.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawn(process.execPath, [...childProcessNodeArgs(), MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `sqlite:${(database.options as { database: string }).database}`,
        WEBHOOK_TARGET_URL: outside.url,
        WEBHOOK_SECRET: generateWebhookSecret(),
        OTEL_TRACES_EXPORTER: 'console',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout!.on('data', (chunk) => (output += chunk));
    app.stderr!.on('data', (chunk) => (output += chunk));
    await until('the app answering /health', async () => ((await fetch(`${base}/health`)).ok ? true : undefined));
  }, 90_000);

  afterAll(async () => {
    app?.kill('SIGTERM');
    await outside?.stop();
    await database?.drop();
  });

  it("continues a request's trace to the ERP and to an outside receiver: the same trace id in their traceparent", async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ customer: 'Ada', items: [{ sku: 'A1', qty: 1 }], total: 1 }),
    });
    expect(response.status).toBe(201);

    const [record] = await until('the ERP receiving order.created', async () => {
      const records = (await (await fetch(`${base}/erp/received`)).json()) as Array<{ traceparent: string | null }>;
      return records.length > 0 ? records : undefined;
    });
    expect(record!.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const [request] = await outside.waitForRequests(1, 30_000);
    expect(request!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(output).toContain(traceId); // the console exporter printed the trace's spans
  });

  it('serves the relay metrics in the Prometheus text format at /metrics', async () => {
    const text = await until('an attempt counted', async () => {
      const body = await (await fetch(`${base}/metrics`)).text();
      return /webhook_attempts_total\{[^}]*messaging_destination_name="erp"[^}]*webhook_outcome="succeeded"/.test(body)
        ? body
        : undefined;
    });
    expect(text).toMatch(/^webhook_deliveries_due\{[^}]*\} 0$/m);
    expect(text).toMatch(/^webhook_delivery_lag_count\{[^}]*messaging_destination_name="erp"[^}]*\} 1$/m);
  });

  it('answers /health with the webhooks up', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { info: Record<string, unknown> }).info.webhooks).toMatchObject({
      status: 'up',
      relay: 'running',
      database: 'up',
    });
  });
});
