import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type CanActivate, Injectable } from '@nestjs/common';
import { generateWebhookSigningKey, WebhookAdminModule } from '@webhook-outbox/nestjs';
import { afterEach, describe, expect, it } from 'vitest';
import { newSecret, runTrigger, startListen, stopCliProcesses } from './support/cli-processes.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const SHOP = fileURLToPath(new URL('./support/cli-shop-data-source.fixture.ts', import.meta.url));
const servers: Server[] = [];

afterEach(async () => {
  stopCliProcesses();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A local app for `--forward-to`: records what reaches it and answers 202. */
async function localApp(): Promise<{ url: string; received: Array<{ headers: IncomingHttpHeaders; body: string }> }> {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(202).end('accepted by the app');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, received };
}

describe('webhook-outbox listen and trigger', { timeout: 60_000 }, () => {
  it('prints a triggered event as verified, naming its type and webhook-id, and stops cleanly on Ctrl-C', async () => {
    const secret = newSecret();
    const listener = await startListen('--secret', secret);
    const sent = await runTrigger('order.created', '--data-source', SHOP, '--url', listener.url, '--secret', secret);
    expect(sent.err).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.out).toMatch(/Answered 204/);
    const id = sent.out.match(/webhook-id: (msg_\w+)/)![1]!;
    const line = await listener.waitFor(/order\.created/);
    expect(line).toContain(id);
    expect(line).toMatch(/ verified +→ 204/);
    const stopped = await listener.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.out).toMatch(/Stopped\./);
  });

  it('says why a request signed with another secret is not verified, and answers it 401', async () => {
    const listener = await startListen('--secret', newSecret());
    const sent = await runTrigger(
      'order.created',
      '--data-source',
      SHOP,
      '--url',
      listener.url,
      '--secret',
      newSecret(),
    );
    expect(sent.code).toBe(1);
    expect(sent.out).toMatch(/Answered 401/);
    expect(await listener.waitFor(/order\.created/)).toMatch(/NOT verified: invalid-signature.*→ 401/);
  });

  it('accepts either secret while rotating (comma-separated)', async () => {
    const [old, current] = [newSecret(), newSecret()];
    const listener = await startListen('--secret', `${old},${current}`);
    const sent = await runTrigger('order.created', '--data-source', SHOP, '--url', listener.url, '--secret', old);
    expect(sent.code).toBe(0);
    expect(await listener.waitFor(/order\.created/)).toMatch(/ verified/);
  });

  it('verifies asymmetric v1a signatures with --public-key, and refuses ones from another key', async () => {
    const [keys, other] = [generateWebhookSigningKey(), generateWebhookSigningKey()];
    const listener = await startListen('--public-key', keys.publicKey);
    const sent = await runTrigger(
      'order.created',
      '--data-source',
      SHOP,
      '--url',
      listener.url,
      '--secret',
      keys.secretKey,
    );
    expect(sent.code).toBe(0);
    expect(await listener.waitFor(/order\.created/)).toMatch(/ verified +→ 204/);
    const forged = await runTrigger(
      'order.created',
      '--data-source',
      SHOP,
      '--url',
      listener.url,
      '--secret',
      other.secretKey,
    );
    expect(forged.code).toBe(1);
    expect(forged.out).toMatch(/Answered 401/);
  });

  it('forwards only verified requests to --forward-to, with their headers and body, and answers what the app answered', async () => {
    const app = await localApp();
    const secret = newSecret();
    const listener = await startListen('--secret', secret, '--forward-to', app.url);
    const refused = await runTrigger(
      'order.created',
      '--data-source',
      SHOP,
      '--url',
      listener.url,
      '--secret',
      newSecret(),
    );
    expect(refused.out).toMatch(/Answered 401/);
    expect(app.received).toEqual([]);
    const sent = await runTrigger('order.created', '--data-source', SHOP, '--url', listener.url, '--secret', secret);
    expect(sent.code).toBe(0);
    expect(sent.out).toMatch(/Answered 202 Accepted: accepted by the app/);
    expect(app.received).toHaveLength(1);
    expect(app.received[0]!.headers['webhook-id']).toBe(sent.out.match(/webhook-id: (msg_\w+)/)![1]);
    expect(JSON.parse(app.received[0]!.body)).toMatchObject({ type: 'order.created', data: expect.any(Object) });
  });

  it('answers --status, and trigger exits 1 on a non-2xx answer', async () => {
    const secret = newSecret();
    const listener = await startListen('--secret', secret, '--status', '500');
    const sent = await runTrigger('order.created', '--data-source', SHOP, '--url', listener.url, '--secret', secret);
    expect(sent.code).toBe(1);
    expect(sent.out).toMatch(/Answered 500/);
  });

  it('prints requests as not verified without a secret, and answers as told', async () => {
    const listener = await startListen('--status', '200');
    const sent = await runTrigger(
      'order.created',
      '--data-source',
      SHOP,
      '--url',
      listener.url,
      '--secret',
      newSecret(),
    );
    expect(sent.code).toBe(0);
    expect(await listener.waitFor(/order\.created/)).toMatch(/not verified \(no secret given\) +→ 200/);
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const listener = await startListen();
    const response = await fetch(listener.url, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(await listener.waitFor(/refused/)).toMatch(/body over 1 MiB → 413/);
  });

  it('refuses an unknown event type with exit code 2, listing the known ones', async () => {
    const sent = await runTrigger(
      'order.shipped',
      '--data-source',
      SHOP,
      '--url',
      'http://127.0.0.1:1/',
      '--secret',
      newSecret(),
    );
    expect(sent.code).toBe(2);
    expect(sent.err).toMatch(/Unknown event type "order\.shipped"\. Known types: .*order\.created/);
  });
});

@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

describe('webhook-outbox trigger through the admin API of a running app', { timeout: 60_000 }, () => {
  const context = useWebhookTestContext('sqlite');
  const admin = WebhookAdminModule.register({ path: 'ops', guards: [AllowGuard] });

  it("has the app send the catalog's example to its endpoint, which listen verifies with the endpoint's secret", async () => {
    const secret = newSecret();
    const listener = await startListen('--secret', secret);
    const app = await context.start(
      () => ({ endpoints: [{ id: 'local', url: listener.url, secret }], relay: { enabled: false } }),
      {
        imports: [admin],
        listen: true,
      },
    );
    const sent = await runTrigger(
      'order.created',
      '--admin-url',
      `${app.url}/ops/`,
      '--token',
      't',
      '--endpoint',
      'local',
    );
    expect(sent.err).toBe('');
    expect(sent.code).toBe(0);
    const webhookId = sent.out.match(/Answered 202 Accepted: .*"webhookId":"(msg_\w+)"/)![1]!;
    await app.relay.runOnce();
    const line = await listener.waitFor(/order\.created/);
    expect(line).toContain(webhookId);
    expect(line).toMatch(/ verified +→ 204/);
  });

  it('exits 2 naming the known types when the app does not know the type', async () => {
    const app = await context.start(
      (url) => ({ endpoints: [{ id: 'local', url, secret: newSecret() }], relay: { enabled: false } }),
      {
        imports: [admin],
        listen: true,
      },
    );
    const sent = await runTrigger('order.shipped', '--admin-url', `${app.url}/ops`, '--endpoint', 'local');
    expect(sent.code).toBe(2);
    expect(sent.err).toMatch(/Unknown event type "order\.shipped".*Known types: .*order\.created/);
  });
});
