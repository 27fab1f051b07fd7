import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS } from '../support/receiver-test-app.js';
import { ADMIN_TOKEN, launchChromium, newPage, type SampleApp, startSampleApp } from './browser-harness.js';

/** Where the sample app mounts the portal that links open (its registration with `portalLinks`). */
const PORTAL_LINKS_PATH = '/customer-portal/webhooks';
const SHOP_ENDPOINT = 'Demo shop fulfilment';

/** A link minted by the sample's demo route, as the host app's "Manage webhooks" button would. */
async function mintLink(sample: SampleApp): Promise<{ url: string; token: string }> {
  const response = await fetch(`${sample.base}/demo/portal-link`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(201);
  const { url } = (await response.json()) as { url: string };
  expect(url.startsWith(`${PORTAL_LINKS_PATH}/ui/#link=`)).toBe(true);
  return { url: `${sample.base}${url}`, token: url.slice(url.indexOf('#link=') + 6) };
}

describe.each(HTTP_PLATFORMS)('a portal link opened in Chromium, served by the sample app on %s', (platform) => {
  let sample: SampleApp;
  let browser: Browser;
  let page: Page;
  let link: { url: string; token: string };
  /** Every URL the page asked for, and every Referer it sent. */
  const sent: string[] = [];

  beforeAll(async () => {
    sample = await startSampleApp(platform);
    // The demo shop's own endpoint (through the guarded portal), and the operator's `erp` endpoint it must not see.
    await sample.admin('endpoints', {
      mode: 'portal',
      method: 'POST',
      body: { url: sample.outside.url, eventTypes: ['order.*'], description: SHOP_ENDPOINT },
    });
    browser = await launchChromium();
    page = await newPage(browser);
    page.on('request', (request) => {
      sent.push(request.url());
      const referer = request.headers().referer;
      if (referer) sent.push(referer);
    });
    link = await mintLink(sample);
  });

  afterAll(async () => {
    await browser?.close();
    await sample?.stop();
  });

  it("opens the portal of the link's tenant, showing its endpoint and not the operator's", async () => {
    await page.goto(link.url);
    await page.waitForSelector('nav[aria-label=Views]');
    await page.goto(`${sample.base}${PORTAL_LINKS_PATH}/ui/#/endpoints`);
    await page.waitForSelector(`main >> text=${SHOP_ENDPOINT}`);
    expect(await page.textContent('main')).not.toContain('/erp/webhooks');
  });

  it('leaves the token in no address, request or referrer', async () => {
    expect(page.url()).not.toContain('#link=');
    expect(page.url()).not.toContain(link.token.slice(0, 16));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((url) => url.includes(link.token.slice(0, 16)))).toEqual([]);
  });

  it('keeps the session on reload (the tab holds it)', async () => {
    await page.reload();
    await page.waitForSelector(`main >> text=${SHOP_ENDPOINT}`);
    expect(await page.locator('#token').count()).toBe(0);
  });

  it('refuses the same link in a new browser context, saying it was used', async () => {
    const other = await newPage(browser);
    await other.goto(link.url);
    await other.waitForSelector('text=/already used/');
    expect(await other.locator('nav[aria-label=Views]').count()).toBe(0);
    expect(other.url()).not.toContain('#link=');
    await other.context().close();
  });

  it('asks for no token on a portal opened only by links, and says to open it from the application', async () => {
    const other = await newPage(browser);
    await other.goto(link.url.split('#')[0]!);
    await other.waitForSelector('[data-testid=open-from-app]');
    expect(await other.textContent('[data-testid=open-from-app]')).toContain('opens from the application you use');
    expect(await other.locator('#token').count()).toBe(0);
    await other.context().close();
  });
});
