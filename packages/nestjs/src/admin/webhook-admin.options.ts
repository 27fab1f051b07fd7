import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';
import type { WebhookAdminTenant } from './admin-tenant.js';
import type { WebhookPortalLinksOptions } from './portal-links.options.js';

/** Options of `WebhookAdminModule.register()`. */
export interface WebhookAdminModuleOptions {
  /**
   * Path the admin routes are mounted under (`<path>/endpoints`, `<path>/deliveries`, ...).
   *
   * @defaultValue `webhooks`
   */
  path?: string;
  /**
   * Guards in front of every admin route, e.g. your authentication guard. At least one is required: the admin API
   * creates endpoints and hands out secrets. Classes are instantiated in the admin module (give their dependencies
   * in `imports`); instances are used as they are. Required, unless the registration has `portalLinks` (then not
   * allowed: portal sessions are its only sign-in).
   */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** Modules the guards (and `tenant`) need. */
  imports?: ModuleMetadata['imports'];
  /**
   * The tenant a request acts for, e.g. `(request) => request.user.accountId`, called after `guards` on every API
   * route. The request then sees and changes only that tenant's endpoints and deliveries (another tenant's ids
   * answer 404). It fails closed: `undefined`, `null`, `''` or a throw answers 403 on every API route (with a WARN
   * "No tenant for this request"), never "all tenants". Return `ALL_TENANTS` for staff who may see every tenant.
   * Default: no function, every request sees every tenant (an operator's API, behind its own guards).
   *
   * @example
   * tenant: (req) => (req.user.role === 'staff' ? ALL_TENANTS : req.user.accountId)
   */
  // biome-ignore lint/suspicious/noExplicitAny: the request of Express, Fastify or any adapter, whichever the app runs.
  tenant?: (request: any) => WebhookAdminTenant | Promise<WebhookAdminTenant>;
  /**
   * Serve the dashboard at `<path>/ui/`: a page over this API (overview, endpoints, deliveries), asking for the
   * bearer token once per browser session. `true`, or `{ frameAncestors }`: the origins that may frame it (the CSP's
   * `frame-ancestors`, e.g. `['https://app.example.com']` for a customer portal inside your app).
   *
   * @defaultValue off
   */
  ui?: boolean | WebhookAdminUiOptions;
  /**
   * Portal links: the registration is a customer portal opened by links the application mints with
   * `WebhookPortal.createLink({ tenant })`, each request scoped to the link's tenant. Its only sign-in: leave out
   * `guards` and `tenant`. Usually with `ui: true`.
   *
   * @defaultValue off
   */
  portalLinks?: WebhookPortalLinksOptions;
}

/** Options of the dashboard. */
export interface WebhookAdminUiOptions {
  /**
   * Origins allowed to frame the page.
   *
   * @defaultValue none (`frame-ancestors 'none'`)
   */
  frameAncestors?: string[];
}

/** Injection token of the admin module's options. */
export const WEBHOOK_ADMIN_OPTIONS = Symbol('WEBHOOK_ADMIN_OPTIONS');
