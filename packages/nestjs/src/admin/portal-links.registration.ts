import { Controller, type DynamicModule, type Provider, type Type, UseInterceptors } from '@nestjs/common';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { AdminErrorsInterceptor } from './admin-errors.interceptor.js';
import { resolvePortalLinks } from './portal-links.options.js';
import { PortalLinks } from './portal-links.service.js';
import { PortalSessionAdminController } from './portal-session.admin-controller.js';
import { PORTAL_REGISTRATION, PortalSessionGuard, portalSessionOf } from './portal-session.guard.js';
import type { WebhookAdminModuleOptions } from './webhook-admin.options.js';
import { WebhookPortalModule } from './webhook-portal.module.js';

/**
 * The options a registration runs with: as given, or, with `portalLinks`, signed in by portal sessions only (its
 * one guard) and scoped to the session's tenant (no session, no tenant: 403, as any `tenant` function fails closed).
 * `guards` and `tenant` beside `portalLinks` are refused: the registration would not be what it says.
 */
export function withPortalLinks(options: WebhookAdminModuleOptions): WebhookAdminModuleOptions {
  if (options?.portalLinks === undefined) return options;
  if (options.guards !== undefined || options.tenant !== undefined) {
    throw new WebhookConfigurationError(
      'WebhookAdminModule.register(): a registration with portalLinks signs in by portal links alone and acts for ' +
        "the link's tenant: leave out guards and tenant (register another path for your own users).",
    );
  }
  resolvePortalLinks(options.portalLinks);
  return { ...options, guards: [PortalSessionGuard], tenant: (request) => portalSessionOf(request)?.tenant };
}

/** The global module of `WebhookPortal`, for a registration with `portalLinks`. */
export function portalLinkImports(options: WebhookAdminModuleOptions): DynamicModule['imports'] & object {
  return options.portalLinks ? [WebhookPortalModule] : [];
}

/** The registration's portal-link settings, added to the application's `WebhookPortal` at start-up. */
export function portalLinkProviders(path: string, options: WebhookAdminModuleOptions): Provider[] {
  if (!options.portalLinks) return [];
  const settings = resolvePortalLinks(options.portalLinks);
  return [
    {
      provide: PORTAL_REGISTRATION,
      useFactory: (links: PortalLinks) => links.register(path, settings),
      inject: [PortalLinks],
    },
  ];
}

/** `POST portal-session` at the registration's path: guarded by the link alone. */
export function portalLinkControllers(path: string, options: WebhookAdminModuleOptions): Type[] {
  if (!options.portalLinks) return [];
  const controller = class extends PortalSessionAdminController {};
  Object.defineProperty(controller, 'name', { value: PortalSessionAdminController.name });
  Controller(path)(controller);
  UseInterceptors(AdminErrorsInterceptor)(controller);
  return [controller];
}
