import { Injectable } from '@nestjs/common';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import { tenantError } from '../outbox/key-columns.js';
import { MAX_PORTAL_TTL } from './portal-links.options.js';
import { PortalLinks } from './portal-links.service.js';

/** What `WebhookPortal.createLink()` takes. */
export interface WebhookPortalLinkRequest {
  /** The tenant the portal opens for: it sees and manages that tenant's endpoints and deliveries only. */
  tenant: string;
  /**
   * Which `WebhookAdminModule` registration the link opens (its `path`).
   *
   * @defaultValue the only registration with `portalLinks`
   */
  path?: string;
  /**
   * How long the link can be opened, in seconds (1 to 86,400).
   *
   * @defaultValue the registration's `portalLinks.linkTtl` (300)
   */
  ttl?: number;
  /**
   * Put before the path in `url`, e.g. `https://app.example.com` or, with a global prefix, `https://app.example.com/api`.
   *
   * @defaultValue `''` (a URL from the root of the host the app serves)
   */
  baseUrl?: string;
}

/** A minted portal link. */
export interface WebhookPortalLink {
  /** The link's id, for `revoke(id)`: revoking it ends the session it opened. */
  id: string;
  /**
   * `<baseUrl>/<path>/ui/#link=<token>`. The token is in the fragment, which browsers send to no server and no
   * referrer; the page removes it from the address bar before its first request.
   */
  url: string;
  /** Until when the link can be opened (epoch ms, by the module's clock); it opens the portal once. */
  expiresAt: number;
}

/**
 * Mints portal links: a short-lived, single-use URL that opens the dashboard of a `WebhookAdminModule` registration
 * with `portalLinks`, scoped to one tenant, with no guard of the application's own. Hand the URL to the signed-in
 * customer (a "Manage webhooks" button); their browser exchanges it for a session of its tab. Injectable anywhere
 * once a registration has `portalLinks` (the provider is global).
 *
 * @example
 * ```ts
 * @Post('webhooks-portal')
 * async openPortal(@Req() request: { user: { accountId: string } }) {
 *   const { url } = await this.portal.createLink({ tenant: request.user.accountId });
 *   return { url };
 * }
 * ```
 */
@Injectable()
export class WebhookPortal {
  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(private readonly links: PortalLinks) {}

  /**
   * A new link to the portal of `tenant`, stored so that it opens one session on any instance. Throws
   * `WebhookValidationError` for an invalid tenant or ttl, `WebhookConfigurationError` when `path` names no
   * registration with `portalLinks` (or is left out while several have them).
   */
  async createLink(request: WebhookPortalLinkRequest): Promise<WebhookPortalLink> {
    const { tenant, path, ttl, baseUrl = '' } = request ?? ({} as WebhookPortalLinkRequest);
    const errors: WebhookFieldError[] = [];
    const tenantProblem = tenantError(tenant);
    if (tenantProblem) errors.push({ field: 'tenant', message: tenantProblem });
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_PORTAL_TTL))
      errors.push({ field: 'ttl', message: `must be whole seconds from 1 to ${MAX_PORTAL_TTL}.` });
    if (typeof baseUrl !== 'string') errors.push({ field: 'baseUrl', message: 'must be a string.' });
    if (errors.length > 0) throw new WebhookValidationError(errors);
    const registration = this.links.registration(path);
    const ttlMs = ttl === undefined ? registration.settings.linkTtlMs : ttl * 1000;
    const { id, token, expiresAt } = await this.links.mint(registration, tenant, ttlMs);
    return { id, url: `${baseUrl.replace(/\/+$/, '')}/${registration.path}/ui/#link=${token}`, expiresAt };
  }

  /**
   * Revokes a link: unopened, it no longer opens; opened, its session ends at its next request. `false` when no
   * such link is stored or it was revoked already.
   */
  revoke(id: string): Promise<boolean> {
    if (typeof id !== 'string' || id === '') return Promise.resolve(false);
    return this.links.revoke(id);
  }

  /**
   * Revokes every link of `tenant` minted so far, and ends their sessions (e.g. when the customer's account is
   * closed, or a user is removed from it); links minted afterwards work. Returns how many were revoked now.
   */
  revokeTenant(tenant: string): Promise<number> {
    const problem = tenantError(tenant);
    if (problem) return Promise.reject(new WebhookValidationError([{ field: 'tenant', message: problem }]));
    return this.links.revokeTenant(tenant);
  }
}
