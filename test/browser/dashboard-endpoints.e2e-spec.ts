import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS } from '../support/receiver-test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import {
  axe,
  collectConsoleErrors,
  type DashboardMode,
  launchChromium,
  newPage,
  noHorizontalScroll,
  PHONE_VIEWPORT,
  type SampleApp,
  signIn,
  startSampleApp,
} from './browser-harness.js';

/** What the admin API answers for an endpoint, as far as these specs read it. */
interface Endpoint {
  id: string;
  url: string;
  state: string;
  method: string;
  bodyFormat: string;
  payloadFormat: string;
  headers: Record<string, string>;
  filter: unknown;
  transform: string | null;
  rateLimit: unknown;
}

/**
 * The dashboard's endpoint views in Chromium against the sample app: the list (names, truthful states, figures), an
 * endpoint's page (settings, actions and their outcomes, an honest test event), the form (every stored field, the
 * API's reasons next to each field, header values write-only) and the dry run; readable on a phone and axe-clean.
 */
describe.each(HTTP_PLATFORMS)('the endpoint views in Chromium, served by the sample app on %s', (platform) => {
  let sample: SampleApp;
  let browser: Browser;
  let page: Page;
  let consoleErrors: ReturnType<typeof collectConsoleErrors>;
  let partner: WebhookReceiver;

  /** A database endpoint created through the API, for one test. */
  const createEndpoint = (body: Record<string, unknown>, mode: DashboardMode = 'operator') =>
    sample.admin<Endpoint & { secret: string }>('endpoints', { method: 'POST', body, mode });
  const endpoint = (id: string, mode: DashboardMode = 'operator') =>
    sample.admin<Endpoint>(`endpoints/${encodeURIComponent(id)}`, { mode });
  /** Opens an endpoint's page and waits until it shows the endpoint. */
  const openEndpoint = async (target: Page, id: string) => {
    await target.goto(sample.pageUrl('operator', `#/endpoints/${encodeURIComponent(id)}`));
    await target.waitForSelector('[data-testid=endpoint-actions]');
  };

  /** Phone screenshots for the closing note, in the temporary folder (the README's come from dashboard.e2e-spec.ts). */
  const shot = (name: string) => join(tmpdir(), `webhook-outbox-${name}-${platform}.png`);

  beforeAll(async () => {
    sample = await startSampleApp(platform, { outside: () => ({ status: 500, body: 'down' }) });
    partner = await WebhookReceiver.start();
    browser = await launchChromium();
    page = await newPage(browser);
    consoleErrors = collectConsoleErrors(page);
    await signIn(page, sample);
  });

  afterAll(async () => {
    await browser?.close();
    await partner?.stop();
    await sample?.stop();
  });

  it('lists every endpoint by name with its state in truth and its figures, each a link to its page', async () => {
    await sample.placeOrder();
    await sample.outside.waitForRequests(1);
    await page.goto(sample.pageUrl('operator', '#/endpoints'));
    const row = (id: string) => page.locator(`[data-testid=endpoints] tr[data-endpoint-id="${id}"]`);
    // The outside receiver answers 500: its endpoint is failing, not "active", with since when.
    await expect.poll(() => row('external').textContent(), { timeout: 20_000 }).toMatch(/failing since \d{4}-/);
    await expect.poll(() => row('erp').locator('[data-testid=success-rate]').textContent()).toBe('100 %');
    expect(await row('external').locator('[data-testid=success-rate]').textContent()).toBe('0 %');
    expect(await row('erp').locator('[data-testid=latency]').textContent()).toMatch(/^\d+ (ms|s) \/ \d+ (ms|s)$/);
    expect(await page.textContent('[data-testid=updated-at]')).toContain('Updated');
    await row('erp').locator('a.endpoint-link').click();
    await page.waitForSelector('[data-testid=endpoint-figures]');
    expect(page.url()).toContain('#/endpoints/erp');
  });

  it("shows a code endpoint's settings read-only, saying where it is configured", async () => {
    await openEndpoint(page, 'erp');
    expect(await page.textContent('[data-testid=code-endpoint-note]')).toContain('WebhookModule');
    expect(await page.locator('[data-testid=endpoint-actions] button:has-text("Edit")').count()).toBe(0);
    expect(await page.getAttribute('[data-testid=all-deliveries]', 'href')).toBe('#/deliveries?endpointId=erp');
  });

  it('edits the filter, transformation, rate limit, body format and headers, keeping a stored header value', async () => {
    const created = await createEndpoint({
      url: `${partner.url}/edit`,
      description: 'Partner, edited',
      eventTypes: ['order.created'],
      headers: { 'X-Api-Key': 'kept-secret-1' },
    });
    await openEndpoint(page, created.id);
    await page.click('[data-testid=endpoint-actions] >> text=Edit');
    const form = page.locator('[data-testid=endpoint-form]');
    // The stored value is never shown: its input is empty, saying it is stored.
    expect(await form.locator('input[name=headerValue]').first().inputValue()).toBe('');
    expect(await form.locator('input[name=headerValue]').first().getAttribute('placeholder')).toContain('stored');
    await form.locator('textarea[name=filter]').fill('{ "type": "order.created" }');
    await form.locator('textarea[name=transform]').fill('{ body: { customer: data.customer } }');
    await form.locator('input[name=rateLimitAmount]').fill('30');
    await form.locator('select[name=rateLimitPer]').selectOption('perMinute');
    await form.locator('select[name=bodyFormat]').selectOption('xml');
    await form.locator('select[name=payloadFormat]').selectOption('thin');
    await form.locator('text=Add a header').click();
    await form.locator('input[name=headerName]').nth(1).fill('X-Tenant');
    await form.locator('input[name=headerValue]').nth(1).fill('blue');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=saved]');

    const saved = await endpoint(created.id);
    expect(saved).toMatchObject({
      filter: { type: 'order.created' },
      transform: '{ body: { customer: data.customer } }',
      rateLimit: { perMinute: 30 },
      bodyFormat: 'xml',
      payloadFormat: 'thin',
      headers: { 'X-Api-Key': '…', 'X-Tenant': '…' },
    });
    await expect.poll(() => page.textContent('[data-testid=setting-rate-limit]')).toBe('at most 30 per minute');
    expect(await page.textContent('[data-testid=setting-headers]')).toContain('X-Api-Key: …');
    expect(await page.textContent('main')).not.toContain('kept-secret-1');
    // The value left alone is still the one stored: a test event carries it.
    await page.click('[data-testid=endpoint-actions] >> text=Send a test event');
    const [test] = await partner.waitForRequests(1);
    expect(test!.headers['x-api-key']).toBe('kept-secret-1');
    expect(test!.headers['x-tenant']).toBe('blue');
  });

  it('saves the method: GET, with the body format back to JSON', async () => {
    const created = await createEndpoint({ url: `${partner.url}/method`, eventTypes: ['order.created'] });
    await openEndpoint(page, created.id);
    await page.click('[data-testid=endpoint-actions] >> text=Edit');
    await page.selectOption('[data-testid=endpoint-form] select[name=method]', 'GET');
    await page.click('[data-testid=endpoint-form] button[type=submit]');
    await page.waitForSelector('[data-testid=saved]');
    expect(await endpoint(created.id)).toMatchObject({ method: 'GET', bodyFormat: 'json' });
    await expect.poll(() => page.textContent('[data-testid=setting-method]')).toContain('GET');
  });

  it("shows the API's reason for an ftp: URL next to the URL field", async () => {
    const refused = await fetch(`${sample.base}/admin/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: 'Bearer dashboard-test-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'ftp://x' }),
    });
    const { errors } = (await refused.json()) as { errors: Array<{ field: string; message: string }> };
    const reason = errors.find((error) => error.field === 'url')!.message;

    await page.goto(sample.pageUrl('operator', '#/endpoints'));
    await page.click('text=Add an endpoint');
    await page.fill('[data-testid=endpoint-form] input[name=url]', 'ftp://x');
    await page.click('[data-testid=endpoint-form] button[type=submit]');
    await page.waitForSelector('[data-testid=endpoint-url-error]');
    expect(await page.textContent('[data-testid=endpoint-url-error]')).toBe(reason);
    const url = page.locator('[data-testid=endpoint-form] input[name=url]');
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await url.getAttribute('aria-describedby')).toContain('endpoint-url-error');
    expect(await axe(page)).toEqual([]);
  });

  it("shows the API's reason for a rate limit of 0 under the rate limit, and saves nothing", async () => {
    const created = await createEndpoint({ url: `${partner.url}/rate`, eventTypes: ['order.created'] });
    await openEndpoint(page, created.id);
    await page.click('[data-testid=endpoint-actions] >> text=Edit');
    await page.fill('[data-testid=endpoint-form] input[name=rateLimitAmount]', '0');
    await page.click('[data-testid=endpoint-form] button[type=submit]');
    await page.waitForSelector('[data-testid=endpoint-rate-limit-error]');
    expect(await page.textContent('[data-testid=endpoint-rate-limit-error]')).toContain('whole number');
    const amount = page.locator('[data-testid=endpoint-form] input[name=rateLimitAmount]');
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    expect(await amount.getAttribute('aria-describedby')).toBe('endpoint-rate-limit-error');
    expect(await axe(page)).toEqual([]);
    expect((await endpoint(created.id)).rateLimit).toBeNull();
    consoleErrors.clear(); // Chromium logs the 400 as a failed load.
  });

  it('shows the error of an action that failed (Disable answering 500)', async () => {
    const created = await createEndpoint({ url: `${partner.url}/fails`, eventTypes: ['order.created'] });
    await openEndpoint(page, created.id);
    await page.route('**/disable', (route) => route.fulfill({ status: 500, body: '{}' }));
    try {
      await page.click('[data-testid=endpoint-actions] >> text=Disable…');
      await page.fill('#disable-reason', 'maintenance');
      await page.click('[data-testid=disable-form] button[type=submit]');
      await page.waitForSelector('[data-testid=action-outcome] .error');
      expect(await page.textContent('[data-testid=action-outcome]')).toContain('HTTP 500');
    } finally {
      await page.unroute('**/disable');
    }
    expect((await endpoint(created.id)).state).not.toBe('disabled');
    consoleErrors.clear(); // Chromium logs the refused request itself.
  });

  it('says a test event to a disabled endpoint is refused, and sends nothing', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const created = await createEndpoint({ url: `${receiver.url}/off`, eventTypes: ['order.created'] });
      await openEndpoint(page, created.id);
      await page.click('[data-testid=endpoint-actions] >> text=Disable…');
      await page.fill('#disable-reason', 'receiver moved');
      await page.click('[data-testid=disable-form] button[type=submit]');
      await expect.poll(() => page.textContent('[data-testid=endpoint-state]')).toContain('receiver moved');
      await page.click('[data-testid=endpoint-actions] >> text=Send a test event');
      await page.waitForSelector('[data-testid=action-outcome] .error');
      expect(await page.textContent('[data-testid=action-outcome]')).toMatch(/disabled.*enable it/);
      expect(await page.locator('[data-testid=action-outcome] a').count()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(receiver.requests).toHaveLength(0);
      consoleErrors.clear(); // The 409 is logged by Chromium as a failed load.

      await page.click('[data-testid=endpoint-actions] >> text=Enable');
      await page.waitForSelector('[data-testid=action-outcome] >> text=Enabled');
      await page.click('[data-testid=endpoint-actions] >> text=Send a test event');
      await page.waitForSelector('[data-testid=action-outcome] a');
      expect(await page.getAttribute('[data-testid=action-outcome] a', 'href')).toMatch(/^#\/deliveries\/\S+$/);
      await receiver.waitForRequests(1);
    } finally {
      await receiver.stop();
    }
  });

  it('says a test event to a paused endpoint waits, and until when', async () => {
    const busy = await WebhookReceiver.start();
    busy.respondWith(() => ({ status: 503, headers: { 'retry-after': '600' } }));
    try {
      const created = await createEndpoint({ url: `${busy.url}/busy`, eventTypes: ['order.created'] });
      await sample.placeOrder();
      await busy.waitForRequests(1);
      await expect.poll(async () => (await endpoint(created.id)).state, { timeout: 10_000 }).toBe('paused');
      await openEndpoint(page, created.id);
      expect(await page.textContent('[data-testid=endpoint-state]')).toMatch(/paused until \d{4}-/);
      await page.click('[data-testid=endpoint-actions] >> text=Send a test event');
      await page.waitForSelector('[data-testid=action-outcome] a');
      expect(await page.textContent('[data-testid=action-outcome]')).toMatch(/paused: it goes at \d{4}-/);
    } finally {
      await busy.stop();
    }
  });

  it("lets a customer edit their endpoint in the portal, seeing the tenant's endpoints only", async () => {
    const created = await createEndpoint({ url: `${partner.url}/portal-edit`, description: 'Shop hook' }, 'portal');
    const portal = await newPage(browser);
    try {
      await signIn(portal, sample, 'portal', '#/endpoints');
      await portal.waitForSelector('[data-testid=endpoints][data-loaded=true]');
      expect(await portal.locator('[data-testid=endpoints] tr[data-endpoint-id=erp]').count()).toBe(0);
      await portal.click('text=Shop hook');
      await portal.click('[data-testid=endpoint-actions] >> text=Edit');
      await portal.fill('[data-testid=endpoint-form] input[name=rateLimitAmount]', '5');
      await portal.click('[data-testid=endpoint-form] button[type=submit]');
      await portal.waitForSelector('[data-testid=saved]');
      expect((await endpoint(created.id, 'portal')).rateLimit).toEqual({ perSecond: 5 });
    } finally {
      await portal.context().close();
    }
  });

  it('tries a transformation on a recent event before saving: the body it would send, then a filter that drops it', async () => {
    const created = await createEndpoint({ url: `${partner.url}/dry`, eventTypes: ['order.created'] });
    await sample.placeOrder({ customer: 'Grace Hopper' });
    await openEndpoint(page, created.id);
    await page.click('[data-testid=endpoint-actions] >> text=Edit');
    await page.fill('[data-testid=endpoint-form] textarea[name=transform]', '{ body: { who: data.customer } }');
    await page.click('[data-testid=dry-run] >> text=Try it');
    await page.waitForSelector('[data-testid=dry-run-result]');
    expect(await page.getAttribute('[data-testid=dry-run-result]', 'data-outcome')).toBe('send');
    expect(JSON.parse((await page.textContent('[data-testid=dry-run-body]'))!)).toEqual({ who: 'Grace Hopper' });

    await page.fill('[data-testid=endpoint-form] textarea[name=filter]', '{ "data.customer": "nobody" }');
    await page.click('[data-testid=dry-run] >> text=Try it');
    await page.waitForSelector('[data-testid=dry-run-result][data-outcome=dropped]');
    expect(await page.textContent('[data-testid=dry-run-reason]')).not.toBe('');
    // Nothing was saved by trying.
    expect((await endpoint(created.id)).transform).toBeNull();
    await page.click('[data-testid=endpoint-form] >> text=Cancel');
  });

  it.each(['operator', 'portal'] as const)(
    'the list and an endpoint page have no serious axe violations and no sideways scroll at 390 px (%s)',
    async (mode) => {
      const created = await createEndpoint(
        { url: `${partner.url}/a-rather-long-path/for/a/phone/${'x'.repeat(60)}`, description: `Phone check ${mode}` },
        mode,
      );
      const phone = await newPage(browser, { viewport: PHONE_VIEWPORT });
      const errors = collectConsoleErrors(phone);
      try {
        await signIn(phone, sample, mode, '#/endpoints');
        await phone.waitForSelector(`[data-testid=endpoints] tr[data-endpoint-id="${created.id}"]`);
        expect(await axe(phone)).toEqual([]);
        expect(await noHorizontalScroll(phone)).toEqual({ overflow: 0, offenders: [] });
        await phone.screenshot({ path: shot(`endpoints-${mode}-phone`), fullPage: true });

        await phone.click(`text=Phone check ${mode}`);
        await phone.waitForSelector('[data-testid=endpoint-figures]');
        await phone.click('[data-testid=endpoint-actions] >> text=Edit');
        await phone.waitForSelector('[data-testid=endpoint-form]');
        expect(await axe(phone)).toEqual([]);
        expect(await noHorizontalScroll(phone)).toEqual({ overflow: 0, offenders: [] });
        await phone.screenshot({ path: shot(`endpoint-page-${mode}-phone`), fullPage: true });
        expect(errors.errors).toEqual([]);
      } finally {
        await phone.context().close();
      }
    },
  );

  it('logged no console error on any of these views', () => {
    expect(consoleErrors.errors).toEqual([]);
  });
});
