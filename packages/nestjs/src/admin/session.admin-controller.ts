import { Get, Header, Inject, Injectable, Req } from '@nestjs/common';
import { adminScope } from './admin-tenant.js';
import { portalSessionOf } from './portal-session.guard.js';
import { WEBHOOK_ADMIN_OPTIONS, type WebhookAdminModuleOptions } from './webhook-admin.options.js';

/** What `GET session` answers: whom the request acts for, so the page can word itself for an operator or a customer. */
export interface WebhookAdminSession {
  /** `portal` when the request is scoped to one tenant, `operator` when it sees every tenant. */
  mode: 'operator' | 'portal';
  /** The tenant the request acts for; `null` for every tenant. */
  tenant: string | null;
  /** When a portal session ends (epoch ms); `null` for sessions of the application's own guards. */
  expiresAt: number | null;
}

/** `GET session` on every registration, behind its guards like every other route. */
@Injectable()
export class SessionAdminController {
  constructor(@Inject(WEBHOOK_ADMIN_OPTIONS) private readonly options: WebhookAdminModuleOptions) {}

  @Get('session')
  @Header('cache-control', 'no-store')
  async get(@Req() request: unknown): Promise<WebhookAdminSession> {
    const { tenant } = await adminScope(this.options, request);
    return {
      mode: tenant === undefined ? 'operator' : 'portal',
      tenant: tenant ?? null,
      expiresAt: portalSessionOf(request)?.expiresAt ?? null,
    };
  }
}
