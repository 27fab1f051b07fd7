import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS } from '../support/receiver-test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import {
  axe,
  collectConsoleErrors,
  launchChromium,
  newPage,
  noHorizontalScroll,
  type SampleApp,
  signIn,
  startSampleApp,
} from './browser-harness.js';

interface Delivery {
  id: string;
  eventId: string;
  endpointId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: number;
}
interface Endpoint {
  id: string;
  state: string;
}

const ROWS = '[data-testid=deliveries] tbody tr';
const SEARCH = '[data-testid=delivery-filters] button[type=submit]';
const rowTexts = (page: Page) => page.locator(ROWS).allTextContents();
/** The rows' ids read in one go: a live list re-renders between two reads, and a row read alone may be gone. */
const rowIds = (page: Page) => page.$$eval(ROWS, (rows) => rows.map((row) => row.getAttribute('data-delivery-id')));
const fragment = (page: Page) => decodeURIComponent(new URL(page.url()).hash);
/** Marks the filter form's element, so that `filterFormRenewed` tells when the view has rendered a new route. */
const markFilterForm = (page: Page) =>
  page.$eval('[data-testid=delivery-filters]', (form) => form.setAttribute('data-seen', ''));
const filterFormRenewed = (page: Page) =>
  page.$eval('[data-testid=delivery-filters]', (form) => !form.hasAttribute('data-seen'));
/** Where the views' screenshots go (a temporary folder), for a look at desktop and phone width. */
const screenshot = (platform: string, view: string, width: string) =>
  join(tmpdir(), `webhook-outbox-deliveries-${view}-${width}-${platform}.png`);

/** Waits until `done` (expect.poll is for tests only, not hooks). */
async function until(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Not done after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.each(HTTP_PLATFORMS)('the delivery views in Chromium, on %s', (platform) => {
  let sample: SampleApp;
  let browser: Browser;
  let page: Page;
  let pageErrors: ReturnType<typeof collectConsoleErrors>;
  /** What the outside receiver (endpoint `external`) answers: failing at first, so its deliveries are retrying. */
  const outsideStatus = 503;
  let partner: WebhookReceiver;
  let partnerId: string;
  const deliveries = (query: string, mode: 'operator' | 'portal' = 'operator') =>
    sample.admin<Delivery[]>(`deliveries?limit=500&${query}`, { mode });
  const open = (hash: string) => page.goto(sample.pageUrl('operator', hash));

  beforeAll(async () => {
    sample = await startSampleApp(platform, { outside: () => ({ status: outsideStatus, body: 'unavailable' }) });
    partner = await WebhookReceiver.start();
    ({ id: partnerId } = await sample.admin<Endpoint>('endpoints', {
      method: 'POST',
      body: { url: `${partner.url}/a`, eventTypes: ['order.created'], description: 'Partner ERP' },
    }));
    browser = await launchChromium();
    page = await newPage(browser);
    pageErrors = collectConsoleErrors(page);
    await sample.placeOrder();
    await sample.placeOrder();
    await until(async () => (await deliveries('endpointId=erp&status=succeeded')).length === 2);
    await signIn(page, sample, 'operator', '#/deliveries?endpoint=erp');
  });

  afterAll(async () => {
    await browser?.close();
    await partner?.stop();
    await sample?.stop();
  });

  it('shows the same rows when a filtered list is reloaded, and the previous filter on Back', async () => {
    await expect.poll(async () => (await rowIds(page)).length).toBe(2);
    const before = await rowIds(page);
    await page.reload();
    await expect.poll(() => rowIds(page)).toEqual(before);
    await page.selectOption('#filter-status', 'succeeded');
    await markFilterForm(page);
    await page.click(SEARCH);
    await expect.poll(() => fragment(page)).toBe('#/deliveries?endpoint=erp&status=succeeded');
    // The address changes before the app hears of it: Back before then would leave the form it is still showing.
    await expect.poll(() => filterFormRenewed(page)).toBe(true);
    await markFilterForm(page);
    await page.goBack();
    await expect.poll(() => fragment(page)).toBe('#/deliveries?endpoint=erp');
    await expect.poll(() => filterFormRenewed(page)).toBe(true);
    expect(await page.inputValue('#filter-status')).toBe('');
    await expect.poll(() => rowIds(page)).toEqual(before);
  });

  it('finds the deliveries of an event by a prefix of its webhook-id', async () => {
    const [delivery] = await deliveries('endpointId=erp');
    const prefix = delivery!.eventId.slice(0, -4);
    const ofEvent = (await deliveries('')).filter((d) => d.eventId.startsWith(prefix)).map((d) => d.id);
    await open('#/deliveries');
    await page.fill('#filter-q', prefix);
    await page.click(SEARCH);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(ofEvent.sort());
    expect(fragment(page)).toBe(`#/deliveries?q=${prefix}`);
  });

  it('finds a delivery by a prefix of its own id', async () => {
    const [delivery] = await deliveries('endpointId=erp');
    await open(`#/deliveries?q=${delivery!.id.slice(0, -4)}`);
    await expect.poll(() => rowIds(page)).toContain(delivery!.id);
  });

  it("finds an endpoint's deliveries by the endpoint's name, and names it in every row", async () => {
    await partner.waitForRequests(2);
    await open('#/deliveries');
    await page.selectOption('#filter-endpoint', { label: `Partner ERP (${partner.url}/a)` });
    await page.click(SEARCH);
    await expect.poll(() => fragment(page)).toBe(`#/deliveries?endpoint=${partnerId}`);
    await expect.poll(async () => (await rowTexts(page)).length).toBe(2);
    for (const row of await rowTexts(page)) expect(row).toContain('Partner ERP');
    expect(await page.getAttribute(`${ROWS} [data-testid=endpoint-name] a`, 'href')).toBe(`#/endpoints/${partnerId}`);
  });

  it('finds the retrying deliveries, and those whose last answer was a given status code', async () => {
    // The set changes as attempts are made: each round compares the live list with the API's answer of the moment.
    const shows = (wanted: (d: Delivery) => boolean) => async () => {
      const [shown, all] = await Promise.all([rowIds(page), deliveries('')]);
      const ids = all.filter(wanted).map((d) => d.id);
      return ids.length > 0 && JSON.stringify(shown.sort()) === JSON.stringify(ids.sort());
    };
    await sample.outside.waitForRequests(1);
    await open('#/deliveries?status=retrying');
    await expect
      .poll(
        shows((d) => d.status === 'pending' && d.attempts > 0),
        { timeout: 15_000 },
      )
      .toBe(true);
    for (const row of await rowTexts(page)) expect(row).toMatch(/external.*retrying/);
    await open('#/deliveries');
    await page.fill('#filter-statusCode', '503');
    await page.click(SEARCH);
    await expect.poll(() => fragment(page)).toBe('#/deliveries?statusCode=503');
    await expect
      .poll(
        shows((d) => d.lastStatusCode === 503),
        { timeout: 15_000 },
      )
      .toBe(true);
    for (const row of await rowTexts(page)) expect(row).toMatch(/external.*503/);
  });

  it('shows how many deliveries match', async () => {
    const count = (await deliveries('')).length;
    await open('#/deliveries');
    await expect.poll(() => page.textContent('[data-testid=delivery-total]')).toBe(`${count} deliveries`);
  });

  it('pages through the matches, Older and Newer', async () => {
    await open('#/deliveries?limit=2');
    await expect.poll(async () => (await rowIds(page)).length).toBe(2);
    const newest = await rowIds(page);
    await page.click('[data-testid=older]');
    await expect.poll(() => fragment(page)).toMatch(/cursor=/);
    await expect.poll(async () => (await rowIds(page)).filter((id) => !newest.includes(id)).length).toBe(2);
    await page.click('[data-testid=newer]');
    await expect.poll(() => rowIds(page)).toEqual(newest);
  });

  it('shows a new delivery in the open list without a click, and says when it was updated', async () => {
    await open('#/deliveries?endpoint=erp');
    // The previous view's rows may show until this list has loaded: wait for the rows the API finds for the filter.
    const { deliveries: found } = await sample.admin<{ deliveries: Delivery[] }>('deliveries/search?endpointId=erp');
    const before = found.map((delivery) => delivery.id).sort();
    expect(before).toHaveLength(2);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(before);
    await sample.placeOrder();
    await expect.poll(async () => (await rowIds(page)).length, { timeout: 15_000 }).toBe(3);
    expect(await rowIds(page)).toEqual(expect.arrayContaining(before));
    expect(await page.textContent('[data-testid=updated-at]')).toMatch(/Updated .*\d\d:\d\d:\d\d/);
  });

  it("shows the attempt's own URL on a delivery's page after its endpoint moved", async () => {
    const [sent] = await deliveries(`endpointId=${partnerId}&status=succeeded`);
    await sample.admin(`endpoints/${partnerId}`, { method: 'PATCH', body: { url: `${partner.url}/b` } });
    await open(`#/deliveries/${sent!.id}`);
    await page.waitForSelector('[data-testid=attempt-request]');
    expect(await page.textContent('[data-testid=attempt-request] [data-testid=request-line]')).toBe(
      `POST ${partner.url}/a`,
    );
    expect(await page.textContent('[data-testid=attempt-request]')).toContain(`webhook-id: ${sent!.eventId}`);
    expect(await page.locator('[data-testid=rebuilt-request]').count()).toBe(0);
  });

  it("labels a never-attempted delivery's request as rebuilt, and says that its paused endpoint holds it", async () => {
    const throttled = await WebhookReceiver.start();
    try {
      throttled.respondWith(() => ({ status: 429, headers: { 'retry-after': '600' } }));
      const { id } = await sample.admin<Endpoint>('endpoints', {
        method: 'POST',
        body: { url: `${throttled.url}/crm`, eventTypes: ['order.created'], description: 'Throttled CRM' },
      });
      await sample.placeOrder();
      await throttled.waitForRequests(1);
      await expect
        .poll(async () => (await sample.admin<Endpoint[]>('endpoints')).find((e) => e.id === id)?.state)
        .toBe('paused');
      await sample.placeOrder();
      await expect.poll(async () => (await deliveries(`endpointId=${id}`)).length).toBe(2);
      const waiting = (await deliveries(`endpointId=${id}`)).find((d) => d.attempts === 0)!;
      await open(`#/deliveries?endpoint=${id}&status=pending`);
      await expect
        .poll(() => page.textContent(`${ROWS}[data-delivery-id="${waiting.id}"]`))
        .toContain('Waits: its endpoint is paused until');
      await page.click(`${ROWS}[data-delivery-id="${waiting.id}"] td[data-label="Event type"]`);
      await page.waitForSelector('[data-testid=rebuilt-request]');
      expect(fragment(page)).toBe(`#/deliveries/${waiting.id}`);
      const rebuilt = await page.textContent('[data-testid=rebuilt-request]');
      expect(rebuilt).toContain("Will be sent as (rebuilt from the endpoint's current settings)");
      expect(rebuilt).toContain(`POST ${throttled.url}/crm`);
      expect(await page.textContent('[data-testid=endpoint-paused]')).toContain('paused until');
    } finally {
      await throttled.stop();
    }
  });

  it('sends again every delivery a filter matches, after a preview count and a confirmation', async () => {
    const gone = await WebhookReceiver.start();
    try {
      gone.respondWith(() => ({ status: 410 }));
      const { id } = await sample.admin<Endpoint>('endpoints', {
        method: 'POST',
        body: { url: `${gone.url}/gone`, eventTypes: ['order.created'], description: 'Moved away' },
      });
      await sample.placeOrder();
      await sample.placeOrder();
      await expect.poll(async () => (await deliveries(`endpointId=${id}&status=failed`)).length).toBe(2);
      await open(`#/deliveries?endpoint=${id}&status=failed`);
      await page.click('[data-testid=recover-open]');
      await expect.poll(() => page.textContent('[data-testid=recover-count]')).toBe('2 deliveries');
      await page.click('[data-testid=recover] >> text=Send 2 deliveries again…');
      await page.waitForSelector('dialog[data-testid=recover-confirm][open]');
      expect(await page.textContent('#recover-question')).toBe('Send 2 deliveries again?');
      expect(await axe(page)).toEqual([]);
      // The receiver is back: 410 Gone disabled the endpoint (its second delivery failed unsent), so enable it too.
      gone.respondWith(() => ({ status: 200 }));
      await sample.admin(`endpoints/${id}/enable`, { method: 'POST', body: {} });
      await page.click('dialog >> text=Yes, send them');
      await expect.poll(() => page.textContent('[data-testid=recover-result]')).toMatch(/^2 deliveries sent again/);
      await gone.waitForRequests(3);
      await expect.poll(async () => (await deliveries(`endpointId=${id}&status=succeeded`)).length).toBe(2);
    } finally {
      await gone.stop();
    }
  });

  it('sends a retrying delivery now when recovered, instead of at its next attempt', async () => {
    const flaky = await WebhookReceiver.start();
    try {
      // A 500 with Retry-After: the next attempt waits 5 minutes, and the endpoint is not paused (500 is no throttling).
      flaky.respondWith(() => ({ status: 500, headers: { 'retry-after': '300' } }));
      const { id } = await sample.admin<Endpoint>('endpoints', {
        method: 'POST',
        body: { url: `${flaky.url}/flaky`, eventTypes: ['order.created'], description: 'Flaky' },
      });
      await sample.placeOrder();
      await flaky.waitForRequests(1);
      await expect.poll(async () => (await deliveries(`endpointId=${id}`))[0]?.attempts).toBe(1);
      const [waiting] = await deliveries(`endpointId=${id}`);
      expect(waiting!.nextAttemptAt - Date.now()).toBeGreaterThan(60_000);
      await open(`#/deliveries?endpoint=${id}&status=retrying`);
      await page.click('[data-testid=recover-open]');
      await expect.poll(() => page.textContent('[data-testid=recover-count]')).toBe('1 delivery');
      expect(await page.textContent('[data-testid=recover]')).toContain('sent now instead of waiting');
      await page.click('[data-testid=recover] >> text=Send 1 delivery again…');
      await page.click('dialog >> text=Yes, send them');
      await expect.poll(() => page.textContent('[data-testid=recover-result]')).toMatch(/^1 delivery sent again/);
      await flaky.waitForRequests(2);
    } finally {
      await flaky.stop();
    }
  });

  it("shows the API's word about a field next to it, and a way to try again when the API cannot be reached", async () => {
    await open('#/deliveries?q=ab');
    await expect.poll(() => page.textContent('#filter-q-error')).toBeTruthy();
    await page.route('**/deliveries/search**', (route) => route.abort());
    await open('#/deliveries?endpoint=erp');
    await page.waitForSelector('[data-testid=load-error] >> text=cannot be reached');
    await page.unroute('**/deliveries/search**');
    await page.click('[data-testid=load-error] >> text=Try again');
    const erp = (await deliveries('endpointId=erp')).length;
    await expect.poll(async () => (await rowIds(page)).length).toBe(erp);
    pageErrors.clear();
  });

  it("marks a deleted endpoint's deliveries and finds them by it, and never calls a new endpoint deleted", async () => {
    const brief = await WebhookReceiver.start();
    try {
      await open('#/deliveries');
      await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(0);
      const { id } = await sample.admin<Endpoint>('endpoints', {
        method: 'POST',
        body: { url: `${brief.url}/brief`, eventTypes: ['order.created'], description: 'Short-lived' },
      });
      await sample.placeOrder();
      await brief.waitForRequests(1);
      // Watched as the list refreshes on its own: the new endpoint's row gets its name, never "deleted endpoint".
      const seen: string[] = [];
      await expect
        .poll(
          async () => {
            const texts = (await rowTexts(page)).filter((text) => text.includes(id));
            seen.push(...texts);
            return texts.some((text) => text.includes('Short-lived'));
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe(true);
      expect(seen.filter((text) => text.includes('deleted endpoint'))).toEqual([]);
      await sample.admin(`endpoints/${id}`, { method: 'DELETE' });
      await open(`#/deliveries?endpoint=${id}`);
      await expect
        .poll(() => rowTexts(page), { timeout: 15_000 })
        .toEqual([expect.stringContaining(`deleted endpoint ${id}`)]);
      expect(await page.inputValue('#filter-endpoint')).toBe(id);
      expect(await page.textContent('#filter-endpoint option:checked')).toBe(`deleted: ${id}`);
    } finally {
      await brief.stop();
    }
  });

  it('has no serious accessibility violation and no sideways scroll at 390 px, on the list and a delivery', async () => {
    const [delivery] = await deliveries('endpointId=external');
    for (const [name, hash] of [
      ['list', '#/deliveries'],
      ['delivery', `#/deliveries/${delivery!.id}`],
    ] as const) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await open(hash);
      await page.waitForSelector('[data-testid=updated-at]');
      expect(await axe(page)).toEqual([]);
      await page.screenshot({ path: screenshot(platform, name, 'desktop'), fullPage: true });
      expect(await noHorizontalScroll(page)).toEqual({ overflow: 0, offenders: [] });
      expect(await axe(page)).toEqual([]);
      // A phone's first screen of it (the list's first rows): a whole log is too long a picture.
      if (name === 'list') await page.locator(ROWS).first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshot(platform, name, 'phone') });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(pageErrors.errors).toEqual([]);
  });

  it("shows a tenant's portal its own deliveries, named, as links that reload, with each attempt's request", async () => {
    const shop = await WebhookReceiver.start();
    const portal = await newPage(browser);
    const portalConsole = collectConsoleErrors(portal);
    try {
      await sample.admin('endpoints', {
        mode: 'portal',
        method: 'POST',
        body: { url: `${shop.url}/shop`, eventTypes: ['order.created'], description: 'Shop orders' },
      });
      await sample.placeOrder({ shop: 'demo-shop' });
      await shop.waitForRequests(1);
      await expect.poll(async () => (await deliveries('status=succeeded', 'portal')).length).toBe(1);
      await signIn(portal, sample, 'portal', '#/deliveries?status=succeeded');
      await expect.poll(() => portal.locator(ROWS).allTextContents()).toEqual([expect.stringContaining('Shop orders')]);
      const options = await portal.locator('#filter-endpoint option').allTextContents();
      expect(options.join('|')).not.toMatch(/erp|Partner/);
      await portal.reload();
      await expect.poll(() => portal.locator(ROWS).count()).toBe(1);
      expect(await axe(portal)).toEqual([]);
      await portal.click(`${ROWS} td[data-label="Event type"]`);
      await portal.waitForSelector('[data-testid=attempt-request]');
      expect(await portal.textContent('[data-testid=request-line]')).toBe(`POST ${shop.url}/shop`);
      expect(await axe(portal)).toEqual([]);
      expect(await noHorizontalScroll(portal)).toEqual({ overflow: 0, offenders: [] });
      expect(portalConsole.errors).toEqual([]);
    } finally {
      await portal.close();
      await shop.stop();
    }
  });
});
