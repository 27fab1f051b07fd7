import { Controller, type DynamicModule, Module, type Type, UseGuards, UseInterceptors } from '@nestjs/common';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { AdminErrorsInterceptor } from './admin-errors.interceptor.js';
import { AdminTenantGuard } from './admin-tenant.guard.js';
import { EndpointActionLimiter } from './endpoint-action.limiter.js';
import { DeliveriesAdminController } from './deliveries.admin-controller.js';
import { EndpointsAdminController } from './endpoints.admin-controller.js';
import { EndpointFiguresAdminController } from './endpoint-figures.admin-controller.js';
import { adminUiAssets } from './admin-ui.assets.js';
import { AdminUiController } from './admin-ui.controller.js';
import {
  portalLinkControllers,
  portalLinkImports,
  portalLinkProviders,
  withPortalLinks,
} from './portal-links.registration.js';
import { SessionAdminController } from './session.admin-controller.js';
import {
  WEBHOOK_ADMIN_OPTIONS,
  type WebhookAdminModuleOptions,
  type WebhookAdminUiOptions,
} from './webhook-admin.options.js';

/**
 * An optional REST API over `WebhookEndpoints` and `WebhookDeliveries`, for an operator console or a customer
 * portal. Nothing is exposed unless the application imports this module, under the path it chooses and behind its
 * own guards. Needs `WebhookModule` (global by default).
 *
 * @example
 * WebhookAdminModule.register({ path: 'admin/webhooks', guards: [AdminGuard] })
 * // a customer portal, each customer seeing its own endpoints only:
 * WebhookAdminModule.register({ path: 'portal/webhooks', guards: [JwtGuard], tenant: (req) => req.user.accountId })
 */
@Module({})
export class WebhookAdminModule {
  /** The admin API (and, with `ui`, the dashboard) under `options.path`, behind `options.guards`. */
  static register(registered: WebhookAdminModuleOptions): DynamicModule {
    // With portalLinks: signed in by portal sessions, scoped to their tenant (see portal-links.registration.ts).
    const options = withPortalLinks(registered);
    if (!Array.isArray(options?.guards) || options.guards.length === 0) {
      throw new WebhookConfigurationError(
        'WebhookAdminModule.register(): give at least one guard in `guards` (or `portalLinks`, for a portal opened by links you mint); the admin API creates endpoints and hands out their secrets.',
      );
    }
    const path = (options.path ?? 'webhooks').replace(/^\/+|\/+$/g, '');
    return {
      module: WebhookAdminModule,
      imports: [...(options.imports ?? []), ...portalLinkImports(options)],
      controllers: [
        mounted(EndpointsAdminController, path, options),
        mounted(DeliveriesAdminController, path, options),
        mounted(SessionAdminController, path, options),
        ...portalLinkControllers(path, options),
        mounted(EndpointFiguresAdminController, path, options),
        ...(options.ui
          ? [dashboard(path, options.ui === true ? {} : options.ui, options.portalLinks ? 'link' : 'token')]
          : []),
      ],
      providers: [
        { provide: WEBHOOK_ADMIN_OPTIONS, useValue: options },
        EndpointActionLimiter,
        ...portalLinkProviders(path, options),
      ],
    };
  }
}

/**
 * The dashboard's controller for this registration: its path, its CSP with the allowed framing origins, and how the
 * page signs in (a token typed in, or only a portal link).
 */
function dashboard(path: string, ui: WebhookAdminUiOptions, signIn: 'token' | 'link'): Type {
  adminUiAssets(); // refuses at start-up if the package was built without it
  const ancestors = ui.frameAncestors?.length ? ui.frameAncestors.join(' ') : "'none'";
  const policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    `base-uri 'self'; form-action 'self'; frame-ancestors ${ancestors}`;
  const controller = class extends AdminUiController {
    protected readonly contentSecurityPolicy = policy;
    protected readonly signIn = signIn;
  };
  Object.defineProperty(controller, 'name', { value: 'WebhookAdminUiController' });
  Controller(path)(controller);
  return controller;
}

/**
 * A controller class of our own per registration, decorated with the application's path and guards: decorating
 * the shared class instead would leak one registration's guards into another's.
 */
function mounted<T extends Type>(base: T, path: string, options: WebhookAdminModuleOptions): T {
  const controller = class extends base {};
  Object.defineProperty(controller, 'name', { value: base.name });
  Controller(path)(controller);
  // The application's guards first (they sign the user in), then the tenant's: see AdminTenantGuard.
  UseGuards(...(options.guards ?? []), AdminTenantGuard)(controller);
  UseInterceptors(AdminErrorsInterceptor)(controller);
  return controller;
}
