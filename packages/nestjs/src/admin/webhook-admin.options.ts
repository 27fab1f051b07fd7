import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';

/** Options of `WebhookAdminModule.register()`. */
export interface WebhookAdminModuleOptions {
  /** Path the admin routes are mounted under (`<path>/endpoints`, `<path>/deliveries`, ...). Default `webhooks`. */
  path?: string;
  /**
   * Guards in front of every admin route, e.g. your authentication guard. At least one is required: the admin API
   * creates endpoints and hands out secrets. Classes are instantiated in the admin module (give their dependencies
   * in `imports`); instances are used as they are.
   */
  guards: Array<Type<CanActivate> | CanActivate>;
  /** Modules the guards (and `tenant`) need. */
  imports?: ModuleMetadata['imports'];
  /**
   * The tenant a request acts for, e.g. `(request) => request.user.accountId`. The request then sees and changes
   * only that tenant's endpoints and deliveries (others answer 404). Default: no tenant, the whole of both (an
   * operator's API). Return `undefined` to act unscoped for a request, e.g. for staff.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the request of Express, Fastify or any adapter, whichever the app runs.
  tenant?: (request: any) => string | undefined | Promise<string | undefined>;
  /**
   * Serve the dashboard at `<path>/ui/`: a page over this API (overview, endpoints, deliveries), asking for the
   * bearer token once per browser session. `true`, or `{ frameAncestors }`: the origins that may frame it (the CSP's
   * `frame-ancestors`, e.g. `['https://app.example.com']` for a customer portal inside your app). Default off.
   */
  ui?: boolean | WebhookAdminUiOptions;
}

/** Options of the dashboard. */
export interface WebhookAdminUiOptions {
  /** Origins allowed to frame the page. Default none (`frame-ancestors 'none'`). */
  frameAncestors?: string[];
}

/** Injection token of the admin module's options. */
export const WEBHOOK_ADMIN_OPTIONS = Symbol('WEBHOOK_ADMIN_OPTIONS');
