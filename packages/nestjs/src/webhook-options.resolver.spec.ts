import { generateWebhookSecret } from '@webhook-outbox/signature';
import { describe, expect, it } from 'vitest';
import { WebhookConfigurationError } from './errors/webhook-configuration.error.js';
import { resolveWebhookOptions } from './webhook-options.resolver.js';
import { type WebhookModuleOptions } from './options/webhook-module.options.js';

const secret = generateWebhookSecret();

function refusal(options: WebhookModuleOptions): string {
  try {
    resolveWebhookOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected the options to be refused');
}

describe('module options', () => {
  it('gives every option a default', () => {
    const resolved = resolveWebhookOptions();
    expect(resolved.endpoints).toEqual([]);
    expect(resolved.relay).toEqual({
      enabled: true,
      pollInterval: 1000,
      batchSize: 50,
      concurrency: 20,
      endpointConcurrency: 5,
      leaseDuration: 6_000,
      shutdownTimeout: 10_000,
    });
    expect(resolved.retry).toEqual({ attempts: 12, initialDelay: 5000, factor: 4, maxDelay: 36_000_000, jitter: 0.2 });
    expect(resolved.delivery).toEqual({
      transport: 'axios',
      timeout: 15_000,
      responseExcerptBytes: 4096,
      allowHttp: false,
      allowPrivateNetworks: false,
      throttlePause: 60_000,
      disableEndpointAfter: 5 * 24 * 3_600_000,
    });
    expect(resolved.receivers).toEqual({});
  });

  it('takes axios, node-http or a transport object, and refuses anything else', () => {
    expect(resolveWebhookOptions({ delivery: { transport: 'node-http' } }).delivery.transport).toBe('node-http');
    const own = { send: async () => ({ status: 200, bodyExcerpt: '' }) };
    expect(resolveWebhookOptions({ delivery: { transport: own } }).delivery.transport).toBe(own);
    expect(() => resolveWebhookOptions({ delivery: { transport: 'undici' as never } })).toThrow(
      `WebhookModule: delivery.transport must be 'axios', 'node-http' or an object with send(request); got "undici".`,
    );
  });

  it('defaults an endpoint to POST, every event type, its URL as id, and trace headers on', () => {
    const [endpoint] = resolveWebhookOptions({
      endpoints: [{ url: 'https://erp.example.com/hooks', secret }],
    }).endpoints;
    expect(endpoint).toEqual({
      id: 'https://erp.example.com/hooks',
      source: 'options',
      tenant: null,
      url: 'https://erp.example.com/hooks',
      secrets: [{ secret, expiresAt: null }],
      eventTypes: ['*'],
      method: 'POST',
      bodyFormat: 'json',
      payloadFormat: 'full',
      headers: {},
      description: null,
      traceHeaders: true,
      filter: null,
      transform: null,
      rateLimit: null,
    });
  });

  it('refuses a URL that is not absolute, naming the endpoint', () => {
    expect(refusal({ endpoints: [{ url: '/hooks', secret }] })).toMatch(
      /endpoints\[0\]\.url: "\/hooks" is not an absolute URL/,
    );
  });

  it('refuses a URL scheme other than http and https', () => {
    expect(refusal({ endpoints: [{ url: 'ftp://example.com/x', secret }] })).toMatch(
      /endpoints\[0\]\.url: ftp: URLs are not deliverable; use https:/,
    );
  });

  it('refuses at startup every destination the SSRF protection forbids, saying why', () => {
    const url = (target: string, delivery: WebhookModuleOptions['delivery'] = {}) =>
      refusal({ endpoints: [{ url: target, secret }], delivery });
    expect(url('http://erp.example.com/hooks')).toMatch(/http: is refused: use https:, or set delivery.allowHttp/);
    expect(url('https://user:pass@erp.example.com/hooks')).toMatch(/credentials in the URL are refused/);
    expect(url('https://169.254.169.254/latest')).toMatch(/169\.254\.169\.254 is refused: a cloud metadata address/);
    expect(url('https://10.1.2.3/hooks')).toMatch(
      /10\.1\.2\.3 is refused: a private address \(set delivery.allowPrivateNetworks/,
    );
    expect(url('https://[::1]/hooks')).toMatch(/::1 is refused: a loopback address/);
    // Spellings that WHATWG URL normalises to a blocked address are caught too.
    expect(url('https://2130706433/hooks')).toMatch(/127\.0\.0\.1 is refused: a loopback address/);
    expect(url('https://[::ffff:169.254.169.254]/')).toMatch(/a cloud metadata address/);
    // IPv6 spellings that carry a forbidden IPv4 address are judged by it.
    expect(url('https://[::127.0.0.1]/')).toMatch(
      /is refused: it embeds 127\.0\.0\.1 \(IPv4-compatible\), a loopback address/,
    );
    expect(url('https://[::ffff:0:7f00:1]/')).toMatch(
      /is refused: it embeds 127\.0\.0\.1 \(IPv4-translated\), a loopback address/,
    );
    expect(url('https://[2002:7f00:1::1]/')).toMatch(/is refused: it embeds 127\.0\.0\.1 \(6to4\), a loopback address/);
    expect(url('https://[64:ff9b:1::7f00:1]/')).toMatch(
      /is refused: it embeds 127\.0\.0\.1 \(local-use NAT64\), a loopback address/,
    );
    expect(url('https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/')).toMatch(/it embeds 127\.0\.0\.1 \(Teredo\)/);
    expect(url('https://[64:ff9b::a9fe:a9fe]/', { allowPrivateNetworks: true })).toMatch(
      /it embeds 169\.254\.169\.254 \(NAT64\), a cloud metadata address/,
    );
    expect(url('https://[2002:a9fe:a9fe::1]/', { allowPrivateNetworks: true })).toMatch(
      /it embeds 169\.254\.169\.254 \(6to4\), a cloud metadata address/,
    );
    // The development switches open http and private networks, never the metadata service.
    expect(url('http://169.254.169.254/latest', { allowHttp: true, allowPrivateNetworks: true })).toMatch(
      /a cloud metadata address/,
    );
    expect(
      resolveWebhookOptions({
        endpoints: [{ url: 'http://10.1.2.3/h', secret }],
        delivery: { allowHttp: true, allowPrivateNetworks: true },
      }).endpoints,
    ).toHaveLength(1);
  });

  it('refuses a missing or malformed secret and says how to make one', () => {
    expect(refusal({ endpoints: [{ url: 'https://a.example', secret: [] }] })).toMatch(
      /secret is required .*generateWebhookSecret/,
    );
    expect(refusal({ endpoints: [{ url: 'https://a.example', secret: 'hunter2!' }] })).toMatch(
      /endpoints\[0\]\.secret is not usable/,
    );
  });

  it('refuses an event type pattern that would match nothing meant', () => {
    expect(refusal({ endpoints: [{ url: 'https://a.example', secret, eventTypes: ['order*'] }] })).toMatch(
      /"order\*" is not an event type pattern/,
    );
  });

  it('refuses two endpoints with one id', () => {
    const endpoint = { url: 'https://a.example/hooks', secret };
    expect(refusal({ endpoints: [endpoint, endpoint] })).toMatch(
      /two endpoints have the id "https:\/\/a.example\/hooks"/,
    );
  });

  it('refuses a method other than POST or GET', () => {
    expect(refusal({ endpoints: [{ url: 'https://a.example', secret, method: 'PUT' as 'POST' }] })).toMatch(
      /endpoints\[0\]\.method: must be "POST" or "GET"/,
    );
  });

  it('accepts a lease shorter than the request timeout (claims are renewed), but not one too short to renew', () => {
    expect(() =>
      resolveWebhookOptions({ relay: { leaseDuration: 6_000 }, delivery: { timeout: 15_000 } }),
    ).not.toThrow();
    expect(refusal({ relay: { leaseDuration: 200 } })).toMatch(/relay\.leaseDuration must be at least 300 ms/);
  });

  it('refuses nonsensical numbers', () => {
    expect(refusal({ relay: { batchSize: 0 } })).toMatch(/relay.batchSize must be a whole number ≥ 1/);
    expect(refusal({ retry: { jitter: 1.5 } })).toMatch(/retry.jitter must be in \[0, 1\)/);
    expect(refusal({ retry: { factor: 0.5 } })).toMatch(/retry.factor must be ≥ 1/);
  });

  it('resolves named receivers: Standard Webhooks, 5 minute tolerance, 1 MiB bodies and deduplication by default', () => {
    expect(resolveWebhookOptions({ receivers: { erp: { secret } } }).receivers.erp).toMatchObject({
      name: 'erp',
      scheme: { name: 'standard-webhooks' },
      secrets: [secret],
      tolerance: 300,
      maxBodySize: 1024 * 1024,
      deduplicate: true,
    });
    expect(
      resolveWebhookOptions({ receivers: { gh: { scheme: 'github', secrets: ['old', 'new'] } } }).receivers.gh,
    ).toMatchObject({
      scheme: { name: 'github' },
      secrets: ['old', 'new'],
    });
  });

  it('refuses unusable receivers at startup, naming the receiver and what is wrong', () => {
    expect(refusal({ receivers: { erp: { secret: 'nope' } } })).toMatch(/receivers.erp: the secret is not usable/);
    expect(refusal({ receivers: { erp: {} } })).toMatch(
      /receivers.erp: a secret is required \(scheme standard-webhooks\)/,
    );
    expect(refusal({ receivers: { pay: { scheme: 'paypal' as never, secret: 'x' } } })).toMatch(
      /receivers.pay: Unknown webhook scheme "paypal"/,
    );
    expect(refusal({ receivers: { gh: { scheme: 'github', secret: 's', maxBodySize: 0 } } })).toMatch(
      /receivers.gh: maxBodySize must be/,
    );
    expect(refusal({ receivers: { gh: { scheme: 'github', secret: 's', tolerance: -1 } } })).toMatch(
      /receivers.gh: tolerance must be/,
    );
  });
});
