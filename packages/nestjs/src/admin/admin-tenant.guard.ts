import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { adminScope } from './admin-tenant.js';
import { WEBHOOK_ADMIN_OPTIONS, type WebhookAdminModuleOptions } from './webhook-admin.options.js';

/**
 * Runs after the application's guards on every admin API route: a request whose tenant cannot be determined is
 * refused (403) before any route reads or changes anything, so no route, present or future, can widen to all tenants.
 */
@Injectable()
export class AdminTenantGuard implements CanActivate {
  constructor(@Inject(WEBHOOK_ADMIN_OPTIONS) private readonly options: WebhookAdminModuleOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await adminScope(this.options, context.switchToHttp().getRequest<unknown>());
    return true;
  }
}
