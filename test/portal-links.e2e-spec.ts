import { type CanActivate, Controller, type ExecutionContext, Headers, Injectable, Module, Post } from '@nestjs/common';
import {
  WebhookAdminModule,
  WebhookConfigurationError,
  WebhookEndpoints,
  type WebhookModuleOptions,
  WebhookPortal,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { HTTP_PLATFORMS } from './support/receiver-test-app.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const SECRET = 'portal-link-secret-for-the-tests-0123456789';
const OPERATOR_TOKEN = 'operator-token-for-the-tests';

/** The host app's own sign-in for its operators. */
@Injectable()
class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${OPERATOR_TOKEN}`;
  }
}

/** The host app's "Manage webhooks" button: its own module injects WebhookPortal; `x-account` plays its login. */
@Controller('account')
class ManageWebhooksController {
  constructor(private readonly portal: WebhookPortal) {}

  @Post('portal-link')
  create(@Headers('x-account') account: string, @Headers('x-portal') path = 'portal') {
    return this.portal.createLink({ tenant: account, path });
  }
}

@Module({ controllers: [ManageWebhooksController] })
class AccountModule {}

const portalA = WebhookAdminModule.register({ path: 'portal', portalLinks: { secret: SECRET } });
// The same secret at another path: its sessions are still its own.
const portalB = WebhookAdminModule.register({ path: '/portal-b/', portalLinks: { secret: SECRET, sessionTtl: 600 } });
const operator = WebhookAdminModule.register({ path: 'admin', guards: [OperatorGuard] });
const IMPORTS = [portalA, portalB, operator, AccountModule];
const options: WebhookModuleOptions = { relay: { enabled: false }, eventTypes: ['invoice.paid'] };

const CASES = DATABASE_KINDS.flatMap((kind) => HTTP_PLATFORMS.map((platform) => [kind, platform] as const));

/** POST without a bearer. */
async function post(app: WebhookTestApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

describe.each(CASES)('portal links on %s with %s', (kind, platform) => {
  const context = useWebhookTestContext(kind);
  let clock: ManualClock;

  async function start() {
    clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    return context.start(() => options, { imports: IMPORTS, listen: true, platform, clock });
  }

  /** A link minted by the host app's button for `account` (through registration `path`). */
  async function mint(app: WebhookTestApp, account: string, path = 'portal') {
    const answer = await post(app, '/account/portal-link', {}, { 'x-account': account, 'x-portal': path });
    expect(answer.status).toBe(201);
    const { id, url, expiresAt } = answer.body as { id: string; url: string; expiresAt: number };
    return { id, url, expiresAt, link: decodeURIComponent(url.slice(url.indexOf('#link=') + 6)) };
  }

  /** The session a link opens, as the page gets it. */
  async function exchange(app: WebhookTestApp, link: string, path = 'portal') {
    return post(app, `/${path}/portal-session`, { link });
  }

  async function signedIn(app: WebhookTestApp, account: string, path = 'portal') {
    const { body } = await exchange(app, (await mint(app, account, path)).link, path);
    return adminClient(app, `/${path}`, body.token);
  }

  it("opens a session of the link's tenant that sees and changes that tenant's endpoints only", async () => {
    const app = await start();
    const globex = await app.app
      .get(WebhookEndpoints)
      .create({ url: `${context.receiver.url}/g`, eventTypes: ['invoice.paid'] }, { tenant: 'globex' });
    const minted = await mint(app, 'acme');
    expect(minted.url).toMatch(/^\/portal\/ui\/#link=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(minted.expiresAt).toBe(clock.now() + 300_000);

    const opened = await exchange(app, minted.link);
    expect(opened.status).toBe(201);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.body).toEqual({ token: expect.any(String), tenant: 'acme', expiresAt: clock.now() + 3_600_000 });

    const acme = adminClient(app, '/portal', opened.body.token);
    expect((await acme('GET', '/session')).body).toEqual({
      mode: 'portal',
      tenant: 'acme',
      expiresAt: clock.now() + 3_600_000,
    });
    const created = await acme('POST', '/endpoints', {
      url: `${context.receiver.url}/a`,
      eventTypes: ['invoice.paid'],
    });
    expect(created.status).toBe(201);
    expect(created.body.tenant).toBe('acme');
    expect((await acme('GET', '/endpoints')).body.map((endpoint: { id: string }) => endpoint.id)).toEqual([
      created.body.id,
    ]);
    expect((await acme('GET', `/endpoints/${globex.id}`)).status).toBe(404);
    expect((await acme('PATCH', `/endpoints/${globex.id}`, { description: 'taken' })).status).toBe(404);
  });

  it('refuses the second use of a link with a 401 saying it was used', async () => {
    const app = await start();
    const { link } = await mint(app, 'acme');
    expect((await exchange(app, link)).status).toBe(201);
    const again = await exchange(app, link);
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/already used/);
    expect(again.body).not.toHaveProperty('token');
  });

  it('opens one session when two instances exchange the same link at once', async () => {
    const app = await start();
    const other = await context.startAnother(() => options, { imports: IMPORTS, listen: true, platform, clock });
    const { link } = await mint(app, 'acme');
    const answers = await Promise.all([exchange(app, link), exchange(other, link), exchange(app, link)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 401, 401]);
  });

  it('refuses a link after its expiry by the module clock, and a session after its own', async () => {
    const app = await start();
    const late = await mint(app, 'acme');
    const { link } = await mint(app, 'acme');
    const acme = adminClient(app, '/portal', (await exchange(app, link)).body.token);

    clock.advance(300_000);
    const expired = await exchange(app, late.link);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    expect((await acme('GET', '/endpoints')).status).toBe(200);

    clock.advance(3_300_000);
    const ended = await acme('GET', '/endpoints');
    expect(ended.status).toBe(401);
    expect(ended.body.message).toMatch(/session has ended/);
  });

  it('ends the session a revoked link opened at its next request, and refuses the link if unopened', async () => {
    const app = await start();
    const opened = await mint(app, 'acme');
    const unopened = await mint(app, 'acme');
    const acme = adminClient(app, '/portal', (await exchange(app, opened.link)).body.token);
    expect((await acme('GET', '/session')).status).toBe(200);

    const portal = app.app.get(WebhookPortal);
    expect(await portal.revoke(opened.id)).toBe(true);
    expect(await portal.revoke(unopened.id)).toBe(true);
    expect(await portal.revoke(unopened.id)).toBe(false);

    const refused = await acme('GET', '/session');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/access was withdrawn/);
    const withdrawn = await exchange(app, unopened.link);
    expect(withdrawn.status).toBe(401);
    expect(withdrawn.body.message).toMatch(/withdrawn/);
  });

  it("revokes every link and session of a tenant, leaving other tenants' and later links working", async () => {
    const app = await start();
    const acme = await signedIn(app, 'acme');
    const acmeOnB = await signedIn(app, 'acme', 'portal-b');
    const globex = await signedIn(app, 'globex');
    const pending = await mint(app, 'acme');

    expect(await app.app.get(WebhookPortal).revokeTenant('acme')).toBe(3);

    expect((await acme('GET', '/endpoints')).status).toBe(401);
    expect((await acmeOnB('GET', '/endpoints')).status).toBe(401);
    expect((await exchange(app, pending.link)).status).toBe(401);
    expect((await globex('GET', '/endpoints')).status).toBe(200);
    const later = await signedIn(app, 'acme');
    expect((await later('GET', '/endpoints')).status).toBe(200);
  });

  it("refuses a session of one registration on another, and a link of one at the other's exchange", async () => {
    const app = await start();
    const onA = (await exchange(app, (await mint(app, 'acme')).link)).body.token as string;
    const onB = adminClient(app, '/portal-b', onA);
    const refused = await onB('GET', '/endpoints');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/not valid here/);
    expect((await exchange(app, (await mint(app, 'acme')).link, 'portal-b')).status).toBe(401);
    expect((await exchange(app, (await mint(app, 'acme', 'portal-b')).link, 'portal-b')).body.expiresAt).toBe(
      clock.now() + 600_000,
    );
  });

  it('refuses a link used as a bearer, and a session token offered as a link', async () => {
    const app = await start();
    const { link } = await mint(app, 'acme');
    expect((await adminClient(app, '/portal', link)('GET', '/endpoints')).status).toBe(401);
    const session = (await exchange(app, link)).body.token as string;
    const asLink = await exchange(app, session);
    expect(asLink.status).toBe(401);
    expect(asLink.body.message).toMatch(/not valid/);
  });

  it('refuses a token whose tenant was changed, with one WARN for the link and no ERROR', async () => {
    const app = await start();
    const { link } = await mint(app, 'acme');
    const retarget = (token: string) => {
      const [payload, mac] = token.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      return `${Buffer.from(JSON.stringify({ ...claims, t: 'globex' })).toString('base64url')}.${mac}`;
    };
    const tampered = await exchange(app, retarget(link));
    expect(tampered.status).toBe(401);
    expect(tampered.body.message).toMatch(/not valid/);
    const session = (await exchange(app, link)).body.token as string;
    expect((await adminClient(app, '/portal', retarget(session))('GET', '/session')).status).toBe(401);
    expect(app.warnings.filter((warning) => /wrong signature/.test(warning))).toHaveLength(1);
    expect(app.warnings.join('\n')).not.toContain(link.slice(0, 20));
    expect(app.records.filter(({ level }) => level === 'error')).toEqual([]);
  });

  it('answers 401 on every route without a session, 400 to an exchange without a link, 401 to one of no link', async () => {
    const app = await start();
    const anonymous = adminClient(app, '/portal', '');
    for (const route of ['/session', '/endpoints', '/deliveries', '/stats']) {
      const answer = await anonymous('GET', route);
      expect({ route, status: answer.status }).toEqual({ route, status: 401 });
      expect(answer.body.message).toMatch(/needs a link|not valid/);
    }
    for (const body of [{}, { link: 42 }, ['link']]) {
      const answer = await post(app, '/portal/portal-session', body);
      expect(answer.status).toBe(400);
    }
    for (const link of ['', 'x'.repeat(5000)]) {
      const answer = await post(app, '/portal/portal-session', { link });
      expect(answer.status).toBe(401);
      expect(answer.body.message).toMatch(/not valid/);
    }
    expect(app.records.filter(({ level }) => level === 'error')).toEqual([]);
  });

  it('answers GET session in operator mode on a registration of the app’s own guards', async () => {
    const app = await start();
    const answer = await adminClient(app, '/admin', OPERATOR_TOKEN)('GET', '/session');
    expect(answer.body).toEqual({ mode: 'operator', tenant: null, expiresAt: null });
  });
});

describe('portal links at start-up', () => {
  it('still refuses a registration with neither guards nor portalLinks', () => {
    expect(() => WebhookAdminModule.register({ path: 'x' })).toThrow(WebhookConfigurationError);
  });

  it.each([
    ['a secret shorter than 32 characters', { secret: 'short-secret' }],
    ['no secret', {}],
    ['a link lifetime of 0', { secret: SECRET, linkTtl: 0 }],
    ['a session lifetime beyond a day', { secret: SECRET, sessionTtl: 86_401 }],
  ])('refuses portalLinks with %s, naming the key', (_, portalLinks) => {
    expect(() => WebhookAdminModule.register({ path: 'x', portalLinks: portalLinks as { secret: string } })).toThrow(
      /portalLinks\.(secret|linkTtl|sessionTtl)/,
    );
  });

  it('refuses guards or a tenant function beside portalLinks', () => {
    const portalLinks = { secret: SECRET };
    expect(() => WebhookAdminModule.register({ portalLinks, guards: [OperatorGuard] })).toThrow(/leave out guards/);
    expect(() => WebhookAdminModule.register({ portalLinks, tenant: () => 'acme' })).toThrow(/leave out guards/);
  });
});
