import { Controller, type DynamicModule, Module, type Type, UseGuards, UseInterceptors } from '@nestjs/common';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { AdminErrorsInterceptor } from './admin-errors.interceptor.js';
import { DeliveriesAdminController } from './deliveries.admin-controller.js';
import { EndpointsAdminController } from './endpoints.admin-controller.js';
import { WEBHOOK_ADMIN_OPTIONS, type WebhookAdminModuleOptions } from './webhook-admin.options.js';

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
  static register(options: WebhookAdminModuleOptions): DynamicModule {
    if (!Array.isArray(options?.guards) || options.guards.length === 0) {
      throw new WebhookConfigurationError(
        'WebhookAdminModule.register(): give at least one guard in `guards`; the admin API creates endpoints and hands out their secrets.',
      );
    }
    const path = (options.path ?? 'webhooks').replace(/^\/+|\/+$/g, '');
    return {
      module: WebhookAdminModule,
      imports: options.imports ?? [],
      controllers: [
        mounted(EndpointsAdminController, path, options),
        mounted(DeliveriesAdminController, path, options),
      ],
      providers: [{ provide: WEBHOOK_ADMIN_OPTIONS, useValue: options }],
    };
  }
}

/**
 * A controller class of our own per registration, decorated with the application's path and guards: decorating
 * the shared class instead would leak one registration's guards into another's.
 */
function mounted<T extends Type>(base: T, path: string, options: WebhookAdminModuleOptions): T {
  const controller = class extends base {};
  Object.defineProperty(controller, 'name', { value: base.name });
  Controller(path)(controller);
  UseGuards(...options.guards)(controller);
  UseInterceptors(AdminErrorsInterceptor)(controller);
  return controller;
}
