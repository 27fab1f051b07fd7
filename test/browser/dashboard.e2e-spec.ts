import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWebhookSecret, verifyStandardWebhook } from '@webhook-outbox/nestjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser-harness.js';
import { loadSampleConfig } from '../../sample-app/src/config/sample-config.js';
import { createShopApp } from '../../sample-app/src/shop-app.factory.js';
import { freePort } from '../support/loopback.js';
import { HTTP_PLATFORMS } from '../support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_TOKEN = 'dashboard-test-token-0123456789';
/** What a hostile receiver answers: shown in the attempts as text, it must never become an element. */
const HOSTILE_ANSWER = '<img src=x onerror="window.__xss = 1">';
/** A customer name that is a script: the event's data, shown in the body sent. */
const HOSTILE_CUSTOMER = '<script>window.__xss = 2</script>';

/**
 * The README's screenshots are taken by this test from the real page (on Express): `UPDATE_SCREENSHOTS=1` writes
 * them to docs/screenshots/; otherwise they go to a temporary folder.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'webhook-outbox-screenshots');
const screenshot = (platform: string, name: string) =>
  platform === 'express' ? join(SCREENSHOTS, `${name}.png`) : join(tmpdir(), `webhook-outbox-${name}-${platform}.png`);

describe.each(HTTP_PLATFORMS)('the dashboard in Chromium, served by the sample app on %s', (platform) => {
  let database: TestDatabase;
  let app: INestApplication;
  let base: string;
  let outside: WebhookReceiver;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase('sqlite');
    outside = await WebhookReceiver.start();
    outside.respondWith(() => ({ status: 500, body: HOSTILE_ANSWER }));
    const port = await freePort();
    const config = loadSampleConfig({
      PORT: String(port),
      DATABASE_URL: `sqlite:${(database.options as { database: string }).database}`,
      ADMIN_TOKEN,
      HTTP_ADAPTER: platform,
      WEBHOOK_TARGET_URL: outside.url,
      WEBHOOK_SECRET: generateWebhookSecret(),
    });
    app = await createShopApp(config, { logger: false });
    await app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await outside?.stop();
    await database?.drop();
  });

  it('serves the page with a Content-Security-Policy that allows nothing inline', async () => {
    const response = await fetch(`${base}/admin/webhooks/ui/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(await response.text()).not.toMatch(/<script>|<style>| style=/);
  });

  it('asks for the token once, refuses a wrong one, and shows the overview', async () => {
    await page.goto(`${base}/admin/webhooks/ui`);
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=This token is not accepted.');
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=tiles]');
    expect(await page.textContent('[data-testid=tiles]')).toContain('Deliveries succeeded, last hour');
  });

  it('shows an order delivered to the ERP, and the outside receiver failing in the overview', async () => {
    const order = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: HOSTILE_CUSTOMER, items: [{ sku: 'A1', qty: 1 }], total: 1 }),
    });
    expect(order.status).toBe(201);
    await outside.waitForRequests(1);

    // Each round shows the overview afresh and reads it once its endpoints have loaded (not the empty first render).
    await expect
      .poll(
        async () => {
          await page.click('nav >> text=Deliveries');
          await page.click('nav >> text=Overview');
          await page.waitForSelector('[data-testid=failing-endpoints], [data-testid=no-failing-endpoints]');
          return page.textContent('main');
        },
        { timeout: 20_000 },
      )
      .toContain('external');
    expect(await page.textContent('[data-testid=failing-endpoints]')).toContain(outside.url);
    expect(await page.locator('[data-testid=attempts-chart] rect.succeeded').count()).toBeGreaterThan(0);
    // The outside receiver's delivery is retried: its failed attempts are drawn as retrying, not as failed for good.
    expect(await page.locator('[data-testid=attempts-chart] rect.retrying').count()).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=failing-most]');
    expect(await page.textContent('[data-testid=failing-most]')).toMatch(/external\s*\d+\s*\d+/);
    expect(await page.textContent('[data-testid=latency-tiles]')).toMatch(/Commit → delivered, p50\S*\d+ (ms|s)/);
    if (platform === 'express' || !process.env.UPDATE_SCREENSHOTS)
      await page.screenshot({ path: screenshot(platform, 'overview'), fullPage: true });

    await page.click('nav >> text=Deliveries');
    await page.waitForSelector('[data-testid=deliveries] >> text=succeeded');
    const rows = await page.textContent('[data-testid=deliveries]');
    expect(rows).toContain('order.created');
    expect(rows).toMatch(/erp\s*succeeded/);
  });

  it('lists the event types the shop emits, with where each comes from and an example body', async () => {
    await page.click('nav >> text=Event types');
    await page.waitForSelector('[data-testid=event-types] >> text=order.created');
    const catalog = await page.textContent('[data-testid=event-types]');
    expect(catalog).toContain('Order entity');
    expect(catalog).toContain('payment.recorded');
    await page.click('[data-testid=event-types] tr:has-text("order.created") >> text=Example');
    const example = JSON.parse((await page.textContent('[data-testid="example-order.created"]'))!);
    expect(example).toMatchObject({ type: 'order.created', data: { customer: expect.any(String) } });
  });

  it('filters the log by endpoint and by status', async () => {
    await page.click('nav >> text=Overview');
    await page.click('nav >> text=Deliveries');
    await page.selectOption('[data-testid=delivery-filters] select[name=endpoint]', 'erp');
    await page.click('[data-testid=delivery-filters] button[type=submit]');
    const rows = () => page.locator('[data-testid=deliveries] tbody tr').allTextContents();
    // Polled as one condition: the list loads after the click, and every row of an empty list is vacuously right.
    const onlyErp = async () => {
      const shown = await rows();
      return shown.length > 0 && shown.every((row) => row.includes('erp'));
    };
    await expect.poll(onlyErp, { timeout: 10_000 }).toBe(true);
    await page.selectOption('[data-testid=delivery-filters] select[name=endpoint]', '');
    await page.selectOption('[data-testid=delivery-filters] select[name=status]', 'pending');
    await page.click('[data-testid=delivery-filters] button[type=submit]');
    const onlyWaiting = async () => {
      const shown = await rows();
      return shown.some((row) => row.includes('external')) && shown.every((row) => /pending|retrying/.test(row));
    };
    await expect.poll(onlyWaiting, { timeout: 10_000 }).toBe(true);
    await page.selectOption('[data-testid=delivery-filters] select[name=status]', '');
    await page.click('[data-testid=delivery-filters] button[type=submit]');
  });

  it('renders what a receiver answered and what an event holds as text, never as HTML, and sends a delivery again', async () => {
    await page.click('nav >> text=Deliveries');
    await page.click('[data-testid=deliveries] tr:has-text("external") td[data-label="Event type"]');
    await page.waitForSelector('[data-testid=attempts]');
    expect(await page.textContent('[data-testid=attempts]')).toContain(HOSTILE_ANSWER);
    expect(await page.textContent('[data-testid=payload]')).toContain(HOSTILE_CUSTOMER);
    expect(await page.textContent('[data-testid=request-line]')).toContain(`POST ${outside.url}`);
    const headers = await page.textContent('[data-testid=request-headers]');
    expect(headers).toContain(`webhook-id: ${outside.requests[0]!.headers['webhook-id']}`);
    expect(headers).toContain('webhook-signature: v1,…');
    expect(headers).not.toContain(outside.requests[0]!.headers['webhook-signature']);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: screenshot(platform, 'delivery-attempts'), fullPage: true });

    const attemptsBefore = await page.locator('[data-testid=attempt]').count();
    await page.click('text=Send again');
    await page.waitForSelector('text=Queued');
    await outside.waitForRequests(2);
    await expect
      .poll(
        async () => {
          await page.click('text=← Deliveries');
          await page.click('[data-testid=deliveries] tr:has-text("external") td[data-label="Event type"]');
          await page.waitForSelector('[data-testid=attempts]');
          return page.locator('[data-testid=attempt]').count();
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(attemptsBefore);
  });

  it('creates an endpoint from the catalog, shows its secret once, rotates it, edits it and deletes it', async () => {
    const partner = await WebhookReceiver.start();
    try {
      await page.click('nav >> text=Endpoints');
      await page.click('text=Add an endpoint');
      await page.fill('[data-testid=endpoint-form] input[name=url]', `${partner.url}/partner`);
      await page.check('[data-testid=endpoint-form] input[value="order.created"]');
      await page.click('[data-testid=endpoint-form] button[type=submit]');
      await page.waitForSelector('[data-testid=secret-once]');
      expect(await page.textContent('[data-testid=secret-once]')).toContain('you will not see it again');
      const secret = (await page.textContent('[data-testid=secret]'))!;
      expect(secret).toMatch(/^whsec_/);
      await page.click('text=I have saved it');
      expect(await page.locator('[data-testid=secret-once]').count()).toBe(0);
      expect(await page.textContent('[data-testid=endpoints]')).toContain(`${partner.url}/partner`);
      await page.screenshot({ path: screenshot(platform, 'endpoints'), fullPage: true });

      // Its actions are on its page, opened from its name in the list.
      await page.click(`[data-testid=endpoints] a.endpoint-link:has-text("${partner.url}/partner")`);
      await page.click('[data-testid=endpoint-actions] >> text=Rotate secret');
      await page.selectOption('[data-testid=rotate-form] select[name=overlap]', String(3_600_000));
      const rotatedAt = Date.now();
      await page.click('[data-testid=rotate-form] >> text=Rotate now');
      await page.waitForSelector('[data-testid=secret-once]');
      const rotated = (await page.textContent('[data-testid=secret]'))!;
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await page.click('text=I have saved it');
      // The overlap chosen is the one the endpoint got: the old secret signs for about another hour.
      const listed = (await (
        await fetch(`${base}/admin/webhooks/endpoints`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).json()) as Array<{ url: string; previousSecretExpiresAt: number | null }>;
      const expiresAt = listed.find((endpoint) => endpoint.url === `${partner.url}/partner`)!.previousSecretExpiresAt!;
      expect(expiresAt - rotatedAt).toBeGreaterThan(3_500_000);
      expect(expiresAt - rotatedAt).toBeLessThan(3_700_000);
      await page.waitForSelector('[data-testid=previous-secret] >> text=previous secret signs until');

      await page.click('[data-testid=endpoint-actions] >> text=Send a test event');
      await page.waitForSelector('[data-testid=action-outcome] a');
      const [test] = await partner.waitForRequests(1);
      expect(JSON.parse(test!.body).type).toBe('webhook.test');

      await page.click('[data-testid=endpoint-actions] >> text=Edit');
      await page.fill('[data-testid=endpoint-form] input[name=description]', 'Partner ERP, orders only');
      await page.click('[data-testid=endpoint-form] button[type=submit]');
      await expect.poll(() => page.textContent('[data-testid=endpoint] h2')).toContain('Partner ERP, orders only');

      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('[data-testid=endpoint-actions] >> text=Delete');
      await expect
        .poll(() => page.textContent('[data-testid=endpoints]'), { timeout: 10_000 })
        .not.toContain(`${partner.url}/partner`);
    } finally {
      await partner.stop();
    }
  });

  it("shows a tenant's portal that tenant's endpoints and deliveries only; another tenant's delivery is 404", async () => {
    const shopReceiver = await WebhookReceiver.start();
    const portal = await browser.newPage();
    try {
      await portal.goto(`${base}/portal/webhooks/ui/`);
      await portal.fill('#token', ADMIN_TOKEN);
      await portal.click('button[type=submit]');
      await portal.click('nav >> text=Endpoints');
      // Read once loaded: the first render's empty table would pass for a reason that proves nothing.
      await portal.waitForSelector('[data-testid=endpoints][data-loaded=true]');
      expect(await portal.locator('[data-testid=endpoints] tbody tr').count()).toBe(0);
      await portal.click('text=Add an endpoint');
      await portal.fill('[data-testid=endpoint-form] input[name=url]', `${shopReceiver.url}/shop`);
      // The shop asks for v1a: it keeps only the public key the portal shows.
      await portal.selectOption('[data-testid=endpoint-form] select[name=signature]', 'v1a');
      await portal.click('[data-testid=endpoint-form] button[type=submit]');
      expect(await portal.textContent('[data-testid=secret]')).toMatch(/^whsk_/);
      await portal.click('text=I have saved it');
      await portal.click('[data-testid=endpoints] a.endpoint-link');
      const publicKey = (await portal.textContent('[data-testid=public-key] code'))!;
      expect(publicKey).toMatch(/^whpk_/);

      for (const shop of ['demo-shop', undefined]) {
        await fetch(`${base}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customer: 'Ada', items: [{ sku: 'A1', qty: 1 }], total: 1, ...(shop && { shop }) }),
        });
      }
      const [sent] = await shopReceiver.waitForRequests(1);
      expect(verifyStandardWebhook({ payload: sent!.body, headers: sent!.headers, secret: publicKey }).id).toBe(
        sent!.headers['webhook-id'],
      );
      await portal.click('nav >> text=Deliveries');
      await portal.waitForSelector('[data-testid=deliveries] >> text=succeeded');
      const rows = await portal.locator('[data-testid=deliveries] tbody tr').allTextContents();
      expect(rows.length).toBe(1);
      expect(rows[0]).not.toContain('erp');

      const operatorView = (await (
        await fetch(`${base}/admin/webhooks/deliveries?endpointId=erp&limit=1`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json()) as Array<{ id: string }>;
      const foreign = await fetch(`${base}/portal/webhooks/deliveries/${operatorView[0]!.id}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(foreign.status).toBe(404);
    } finally {
      await portal.close();
      await shopReceiver.stop();
    }
  });
});
