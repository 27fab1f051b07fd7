import type { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { loadSampleConfig } from '../../sample-app/src/config/sample-config.js';
import { createShopApp } from '../../sample-app/src/shop-app.factory.js';
import { freePort } from '../support/loopback.js';
import type { HttpPlatform } from '../support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';
import { type Responder, WebhookReceiver } from '../support/webhook-receiver.js';

/** The sample app's ADMIN_TOKEN in the browser suite: it signs in the operator dashboard and the demo portal. */
export const ADMIN_TOKEN = 'dashboard-test-token-0123456789';

/** Which page: the operator's dashboard (`/admin/webhooks`) or the demo shop's portal (`/portal/webhooks`). */
export type DashboardMode = 'operator' | 'portal';

/** The admin API's path of each mode in the sample app; the page is at `<path>/ui/`. */
export const API_PATHS: Record<DashboardMode, string> = {
  operator: '/admin/webhooks',
  portal: '/portal/webhooks',
};

/** The tenant the sample app's portal is scoped to (DEMO_SHOP in sample-app/src/app.module.ts). */
export const PORTAL_TENANT = 'demo-shop';

/** A phone's viewport, for `noHorizontalScroll` and phone screenshots (an iPhone 12–15's CSS width). */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

/**
 * Headless Chromium from Debian's packages (CHROMIUM_PATH or /usr/bin/chromium), kept off the network: no
 * background requests, no component updates, no sync.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The sample app, started by `startSampleApp`: its base URL, an outside receiver, and helpers to drive it. */
export interface SampleApp {
  readonly platform: HttpPlatform;
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** The endpoint `external` (subscribed to every event type) delivers here; answers as `respondWith` says. */
  readonly outside: WebhookReceiver;
  /** The dashboard's URL in a mode, with an optional fragment: `pageUrl('operator', '#/deliveries')`. */
  pageUrl(mode: DashboardMode, fragment?: string): string;
  /** A call to the admin API with ADMIN_TOKEN: `admin('endpoints')`, `admin('deliveries/x', { mode: 'portal' })`. */
  admin<T = unknown>(path: string, init?: { mode?: DashboardMode; method?: string; body?: unknown }): Promise<T>;
  /** Places an order (an `order.created` event to `erp` and `external`; with `shop`, also to that shop's endpoints). */
  placeOrder(order?: { customer?: string; shop?: string }): Promise<{ id: number }>;
  /** Closes the app, the receiver and the database. */
  stop(): Promise<void>;
}

/**
 * Starts the sample app on a fresh SQLite database on `platform` (Express or Fastify), on 127.0.0.1, with
 * ADMIN_TOKEN and an outside receiver as endpoint `external` (answering 200 unless `outside` says otherwise).
 */
export async function startSampleApp(
  platform: HttpPlatform,
  { outside: responder }: { outside?: Responder } = {},
): Promise<SampleApp> {
  const database: TestDatabase = await createTestDatabase('sqlite');
  const outside = await WebhookReceiver.start();
  if (responder) outside.respondWith(responder);
  const port = await freePort();
  const config = loadSampleConfig({
    PORT: String(port),
    DATABASE_URL: `sqlite:${(database.options as { database: string }).database}`,
    ADMIN_TOKEN,
    HTTP_ADAPTER: platform,
    WEBHOOK_TARGET_URL: outside.url,
    WEBHOOK_SECRET: generateWebhookSecret(),
  });
  const app = await createShopApp(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const admin = async <T>(path: string, init: { mode?: DashboardMode; method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${base}${API_PATHS[init.mode ?? 'operator']}/${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    platform,
    app,
    base,
    outside,
    pageUrl: (mode, fragment = '') => `${base}${API_PATHS[mode]}/ui/${fragment}`,
    admin,
    placeOrder: async ({ customer = 'Ada', shop } = {}) => {
      const response = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer, items: [{ sku: 'A1', qty: 1 }], total: 1, ...(shop && { shop }) }),
      });
      if (response.status !== 201)
        throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { id: number };
    },
    stop: async () => {
      await app.close();
      await outside.stop();
      await database.drop();
    },
  };
}

/**
 * A new page in a context of its own (its own sessionStorage, so its own sign-in), at `viewport` (desktop by
 * default; `PHONE_VIEWPORT` for a phone).
 */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  return context.newPage();
}

/**
 * Opens the dashboard in `mode` (at `fragment`, e.g. `#/deliveries`), signs in with ADMIN_TOKEN and waits for the
 * dashboard's navigation (the view itself may still be loading: wait for what you read). The token stays in the tab's sessionStorage: later `page.goto`s in this page stay signed in.
 */
export async function signIn(
  page: Page,
  sample: SampleApp,
  mode: DashboardMode = 'operator',
  fragment = '',
): Promise<void> {
  await page.goto(sample.pageUrl(mode, fragment));
  await page.fill('#token', ADMIN_TOKEN);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('nav[aria-label=Views]');
}

/**
 * Makes the tab hidden (`true`) or shown again (`false`) as far as the page can tell: `document.visibilityState`,
 * `document.hidden` and a `visibilitychange` event, as when the reader switches tabs (headless Chromium never
 * hides a page by itself).
 */
export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`(() => {
    const hide = ${hidden};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hide ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

/** One accessibility rule a page breaks, as axe-core reports it: the rule, its impact, and where. */
export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the elements at fault, with a short excerpt of each element's HTML. */
  nodes: string[];
}

/** The axe-core tags checked: WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] as const;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The page's serious and critical WCAG 2.x A/AA violations by axe-core (node_modules/axe-core), as they stand now:
 * `expect(await axe(page)).toEqual([])`. axe is evaluated through the DevTools protocol, not `page.addScriptTag`:
 * the dashboard's CSP forbids inline scripts (kept so), and a refused tag would itself log a console error.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object')))
    await page.evaluate(axeSource);
  // In-page code is a string: the workspace's type check has no DOM types.
  return page.evaluate(`(async () => {
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.map((node) => node.target.join(' ') + ': ' + node.html.slice(0, 120)),
      }));
  })()`);
}

/** How a page overflows sideways: `overflow` CSS px beyond the viewport (0 = none) and the widest culprits. */
export interface HorizontalOverflow {
  overflow: number;
  /** Up to five outermost elements reaching past the viewport's right edge (tag, test id or class, right edge). */
  offenders: string[];
}

/**
 * Sets the page to a 390 px phone viewport (PHONE_VIEWPORT) and measures whether it scrolls sideways:
 * `expect((await noHorizontalScroll(page)).overflow).toBe(0)`. A table scrolling inside its own container is fine
 * (it does not widen the page); elements inside such a container are not blamed.
 */
export async function noHorizontalScroll(page: Page): Promise<HorizontalOverflow> {
  const size = page.viewportSize();
  if (size?.width !== PHONE_VIEWPORT.width) {
    await page.setViewportSize(PHONE_VIEWPORT);
    // One frame for the layout to follow the new width.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)))');
  }
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const overflow = Math.max(0, document.documentElement.scrollWidth - width);
    const scrollsInside = (element) => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') return true;
      }
      return false;
    };
    const offenders = [...document.body.querySelectorAll('*')]
      .map((element) => ({ element, right: element.getBoundingClientRect().right }))
      .filter(({ element, right }) => right > width + 0.5 && !scrollsInside(element))
      // The outermost culprits: an element whose parent overflows too is blamed through its parent.
      .filter(({ element }) => !element.parentElement || element.parentElement.getBoundingClientRect().right <= width + 0.5)
      .sort((a, b) => b.right - a.right)
      .slice(0, 5)
      .map(({ element, right }) => {
        const name = element.getAttribute('data-testid') ?? element.getAttribute('class') ?? '';
        return element.tagName.toLowerCase() + (name ? '[' + name + ']' : '') + ' right=' + Math.round(right);
      });
    return { overflow, offenders };
  })()`);
}

/**
 * Collects what the page reports as errors from now on: console errors (a failed resource load such as a 404, a
 * CSP refusal), uncaught exceptions. `errors` is the live list; `clear()` empties it (e.g. after a deliberate failure).
 */
export function collectConsoleErrors(page: Page): { readonly errors: string[]; clear(): void } {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  return {
    errors,
    clear: () => {
      errors.length = 0;
    },
  };
}
