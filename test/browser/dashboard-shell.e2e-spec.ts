import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS } from '../support/receiver-test-app.js';
import {
  ADMIN_TOKEN,
  API_PATHS,
  axe,
  collectConsoleErrors,
  type DashboardMode,
  launchChromium,
  newPage,
  noHorizontalScroll,
  PORTAL_TENANT,
  type SampleApp,
  setTabHidden,
  signIn,
  startSampleApp,
} from './browser-harness.js';

const MODES: DashboardMode[] = ['operator', 'portal'];

/**
 * Each view at desktop and phone width, in both modes (on Express): the dashboard guide's gallery. `UPDATE_SCREENSHOTS=1`
 * writes them to docs/screenshots/views/; otherwise they go to a temporary folder.
 */
const VIEW_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/views/', import.meta.url))
  : join(tmpdir(), 'webhook-outbox-screenshots', 'views');

/** The admin API's requests of a page (not the page's own files under `/ui/`). */
function isApiRequest(mode: DashboardMode, url: string): boolean {
  const { pathname } = new URL(url);
  return pathname.startsWith(`${API_PATHS[mode]}/`) && !pathname.startsWith(`${API_PATHS[mode]}/ui/`);
}

/** Waits for a delivery's page to show that delivery. */
async function deliveryShown(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`main code:has-text("${id}")`);
}

/** Clicks a navigation link and waits for its view: the address changes before the app's hashchange handler renders. */
async function navigate(page: Page, view: string): Promise<void> {
  await page.click(`nav >> text=${view}`);
  await expect.poll(() => page.textContent('main h2').then((text) => text?.trim())).toBe(view);
}

/** The text of the current view's heading, once there is one. */
async function heading(page: Page): Promise<string> {
  await page.waitForSelector('main h2');
  return (await page.textContent('main h2'))!.trim();
}

describe.each(HTTP_PLATFORMS)('the dashboard shell in Chromium, served by the sample app on %s', (platform) => {
  let sample: SampleApp;
  let browser: Browser;
  /** An endpoint and a delivery each mode can see, for the views of one. */
  const seen: Record<DashboardMode, { endpointId: string; deliveryId: string }> = {
    operator: { endpointId: '', deliveryId: '' },
    portal: { endpointId: '', deliveryId: '' },
  };

  beforeAll(async () => {
    // The operator's `external` endpoint fails (500); the shop's own endpoint, under /shop, succeeds.
    sample = await startSampleApp(platform, {
      outside: (request) => ({ status: request.url.includes('/shop') ? 200 : 500 }),
    });
    browser = await launchChromium();
    const shopEndpoint = await sample.admin<{ id: string }>('endpoints', {
      mode: 'portal',
      method: 'POST',
      body: { url: `${sample.outside.url}/shop`, description: 'Shop order sync', eventTypes: ['order.created'] },
    });
    await sample.placeOrder({ shop: PORTAL_TENANT });
    await sample.outside.waitForRequests(2);
    for (const mode of MODES) {
      const [delivery] = await sample.admin<Array<{ id: string; endpointId: string }>>('deliveries?limit=1', { mode });
      seen[mode] = { endpointId: mode === 'portal' ? shopEndpoint.id : 'external', deliveryId: delivery!.id };
    }
  });

  afterAll(async () => {
    await browser?.close();
    await sample?.stop();
  });

  describe.each(MODES)('in %s mode', (mode) => {
    it('stays on a deep-linked delivery across a reload, and Back returns to the views before it', async () => {
      const page = await newPage(browser);
      await signIn(page, sample, mode);
      await navigate(page, 'Endpoints');
      expect(await heading(page)).toBe('Endpoints');
      await page.goto(sample.pageUrl(mode, `#/deliveries/${seen[mode].deliveryId}`));
      await deliveryShown(page, seen[mode].deliveryId);
      await page.reload();
      await deliveryShown(page, seen[mode].deliveryId);
      expect(page.url()).toBe(sample.pageUrl(mode, `#/deliveries/${seen[mode].deliveryId}`));
      await page.goBack();
      expect(await heading(page)).toBe('Endpoints');
      await page.goBack();
      expect(await heading(page)).toBe('Overview');
      expect(page.url()).toBe(sample.pageUrl(mode));
      await page.context().close();
    });

    it("moves the keyboard focus to the new view's heading when the view changes", async () => {
      const page = await newPage(browser);
      await signIn(page, sample, mode);
      await page.click('nav >> text=Event types');
      await expect
        .poll(() => page.evaluate('document.activeElement?.tagName + " " + document.activeElement?.textContent'))
        .toBe('H2 Event types');
      expect(await page.getAttribute('nav a[aria-current=page]', 'href')).toBe('#/event-types');
      await page.context().close();
    });

    it('answers a link that names no view with "No such view" and a way back to the overview', async () => {
      const page = await newPage(browser);
      await signIn(page, sample, mode, '#/no-such-view');
      expect(await heading(page)).toBe('No such view');
      await page.click('[data-testid=not-found] >> text=Go to the overview');
      expect(await heading(page)).toBe('Overview');
      await page.context().close();
    });

    it('updates the overview on its own after a new delivery, saying when it was updated', async () => {
      const page = await newPage(browser);
      await signIn(page, sample, mode);
      await page.waitForSelector('[data-testid=tile-succeeded] .value');
      const before = Number(await page.textContent('[data-testid=tile-succeeded] .value'));
      const updatedBefore = await page.textContent('[data-testid=updated-at]');
      await sample.placeOrder({ shop: PORTAL_TENANT });
      // No click, no reload: the page asks again by itself.
      await expect
        .poll(async () => Number(await page.textContent('[data-testid=tile-succeeded] .value')), { timeout: 20_000 })
        .toBeGreaterThan(before);
      // Said once every load of the overview has answered again (it shows the oldest of their times).
      await expect.poll(() => page.textContent('[data-testid=updated-at]')).not.toBe(updatedBefore);
      await page.context().close();
    });

    it('asks the API nothing while the tab is hidden, and asks again at once when it is shown', async () => {
      const page = await newPage(browser);
      // The page's timers run on Playwright's clock: two polling intervals pass in an instant, not in 11 s.
      await page.clock.install();
      await signIn(page, sample, mode);
      await page.waitForSelector('[data-testid=updated-at]');
      const requests: Request[] = [];
      page.on('request', (request) => {
        if (isApiRequest(mode, request.url())) requests.push(request);
      });
      // Shown, the clock's 11 s make it poll (so the silence below is the hidden tab's, not a stopped clock's).
      await page.clock.runFor(11_000);
      await expect.poll(() => requests.length, { timeout: 2_000 }).toBeGreaterThan(0);
      await page.waitForLoadState('networkidle');
      await setTabHidden(page, true);
      requests.length = 0;
      await page.clock.runFor(11_000);
      await page.waitForTimeout(300);
      expect(requests.map((request) => request.url())).toEqual([]);
      await setTabHidden(page, false);
      await expect.poll(() => requests.length, { timeout: 2_000 }).toBeGreaterThan(0);
      await page.context().close();
    });

    it('shows why when the API cannot be reached, with Try again, which recovers', async () => {
      const page = await newPage(browser);
      await signIn(page, sample, mode);
      await page.waitForSelector('[data-testid=tiles]');
      for (const fragment of ['#/', '#/event-types']) {
        await page.route(
          (url) => isApiRequest(mode, url.href),
          (route) => route.abort(),
        );
        await page.goto(sample.pageUrl(mode, fragment));
        await page.reload();
        await page.waitForSelector('[data-testid=load-error]');
        expect(await page.textContent('[data-testid=load-error]')).toContain('cannot be reached');
        expect(await page.textContent('main')).not.toContain('Loading…');
        await page.unrouteAll();
        await page.click('[data-testid=load-error] >> text=Try again');
        await page.waitForSelector('[data-testid=load-error]', { state: 'detached' });
        await page.waitForSelector(fragment === '#/' ? '[data-testid=tiles]' : '[data-testid=event-types]');
      }
      await page.context().close();
    });

    it('has no serious or critical axe violation, no horizontal scroll at 390 px and no console error on any view', async () => {
      const views = [
        ['overview', '#/', '[data-testid=updated-at]'],
        ['endpoints', '#/endpoints', 'main h2'],
        ['an endpoint', `#/endpoints/${seen[mode].endpointId}`, 'main h2'],
        ['deliveries', '#/deliveries', 'main h2'],
        ['a delivery', `#/deliveries/${seen[mode].deliveryId}`, 'main h2'],
        ['event types', '#/event-types', '[data-testid=event-types]'],
      ] as const;
      const findings: Record<string, unknown> = {};
      mkdirSync(VIEW_SCREENSHOTS, { recursive: true });
      for (const width of ['desktop', 'phone'] as const) {
        const page = await newPage(browser, width === 'phone' ? { viewport: { width: 390, height: 844 } } : {});
        const console = collectConsoleErrors(page);
        await signIn(page, sample, mode);
        for (const [name, fragment, ready] of views) {
          await page.goto(sample.pageUrl(mode, fragment));
          await page.waitForSelector(ready);
          // Let the view's other loads land before it is judged.
          await page.waitForLoadState('networkidle');
          if (platform === 'express')
            await page.screenshot({
              path: join(VIEW_SCREENSHOTS, `${mode}-${name.replaceAll(' ', '-')}-${width}.png`),
              fullPage: true,
            });
          const violations = await axe(page);
          if (violations.length > 0) findings[`${name} (${width}): axe`] = violations;
          if (width === 'phone') {
            const overflow = await noHorizontalScroll(page);
            if (overflow.overflow > 0) findings[`${name} (${width}): overflow`] = overflow;
          }
        }
        if (console.errors.length > 0) findings[`${width}: console`] = console.errors;
        await page.context().close();
      }
      expect(findings).toEqual({});
    });

    it('shows times with their zone, and in UTC once the reader switches to it, on every view after', async () => {
      const page = await newPage(browser, { timezoneId: 'Europe/Paris' });
      await signIn(page, sample, mode);
      await page.waitForSelector('[data-testid=updated-at]');
      expect(await page.textContent('[data-testid=updated-at]')).toMatch(/\d{2}:\d{2}:\d{2} GMT\+1/);
      await page.check('[data-testid=utc-switch]');
      await expect.poll(() => page.textContent('[data-testid=updated-at]')).toMatch(/\d{2}:\d{2}:\d{2} UTC/);
      await page.goto(sample.pageUrl(mode, `#/deliveries/${seen[mode].deliveryId}`));
      await deliveryShown(page, seen[mode].deliveryId);
      await page.reload();
      await deliveryShown(page, seen[mode].deliveryId);
      const text = (await page.textContent('main'))!;
      expect(text).toMatch(/\d{2}:\d{2}:\d{2} UTC/);
      expect(text).not.toMatch(/GMT\+1/);
      await page.context().close();
    });
  });

  it("shows the portal's tenant in the header and a customer's words, and an operator neither", async () => {
    const portal = await newPage(browser);
    await signIn(portal, sample, 'portal');
    await portal.waitForSelector('[data-testid=latency-tiles]');
    expect(await portal.textContent('[data-testid=tenant]')).toContain(PORTAL_TENANT);
    const words = (await portal.textContent('main'))!;
    expect(words).not.toContain('fanned out');
    expect(words).not.toContain('Commit →');
    expect(words).toContain('Time to deliver');
    const operator = await newPage(browser);
    await signIn(operator, sample, 'operator');
    await operator.waitForSelector('[data-testid=latency-tiles]');
    expect(await operator.locator('[data-testid=tenant]').count()).toBe(0);
    expect(await operator.textContent('main')).toContain('Events not fanned out yet');
    await portal.context().close();
    await operator.context().close();
  });

  it('names the tenant and when the session ends in the header of a portal opened by a link', async () => {
    const minted = await fetch(`${sample.base}/demo/portal-link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { url } = (await minted.json()) as { url: string };
    const page = await newPage(browser);
    await page.goto(`${sample.base}${url}`);
    await page.waitForSelector('[data-testid=tenant]');
    expect(await page.textContent('[data-testid=tenant]')).toMatch(
      new RegExp(`${PORTAL_TENANT}.*session ends \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+`),
    );
    expect(await heading(page)).toBe('Overview');
    await page.context().close();
  });

  it('names the endpoints of the overview with links to their pages, says since when one fails, and marks a deleted one', async () => {
    const flaky = await sample.admin<{ id: string }>('endpoints', {
      method: 'POST',
      body: { url: `${sample.outside.url}/flaky`, description: 'Flaky partner', eventTypes: ['order.created'] },
    });
    await sample.placeOrder();
    const page = await newPage(browser);
    await signIn(page, sample, 'operator');
    await page.waitForSelector('[data-testid=failing-most] >> text=Flaky partner', { timeout: 20_000 });
    const failingNow = page.locator('[data-testid=failing-endpoints] tr:has-text("Flaky partner")');
    await failingNow.waitFor({ timeout: 20_000 });
    expect(await failingNow.textContent()).toMatch(/failing\s*since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+/);
    expect(await failingNow.textContent()).toContain(flaky.id);
    await sample.admin(`endpoints/${flaky.id}`, { method: 'DELETE' });
    const deleted = page.locator(`[data-testid=failing-most] tr:has-text("${flaky.id}")`);
    await expect.poll(() => deleted.textContent(), { timeout: 15_000 }).toContain('deleted endpoint');
    await page.click('[data-testid=failing-endpoints] tr:has-text("external") a');
    expect(await heading(page)).toContain(sample.outside.url);
    expect(page.url()).toBe(sample.pageUrl('operator', '#/endpoints/external'));
    await page.context().close();
  });
});
