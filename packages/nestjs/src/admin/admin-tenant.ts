import { ForbiddenException, Logger } from '@nestjs/common';
import type { WebhookTenantScope } from '../endpoints/webhook-endpoint.types.js';
import type { WebhookAdminModuleOptions } from './webhook-admin.options.js';

/**
 * What a `tenant` function of `WebhookAdminModule.register()` returns for staff: the request sees and changes every
 * tenant's endpoints and deliveries. The only way a registration with `tenant` acts unscoped; `undefined`, `null`
 * and `''` are "no tenant" and answer 403.
 *
 * @example
 * tenant: (req) => (req.user.isStaff ? ALL_TENANTS : req.user.accountId)
 */
export const ALL_TENANTS: unique symbol = Symbol.for('@webhook-outbox/nestjs:ALL_TENANTS');

/** What a `tenant` function may give: a tenant id, `ALL_TENANTS`, or nothing (403). */
export type WebhookAdminTenant = string | typeof ALL_TENANTS | null | undefined;

/** The scope each request was found to act in, by the admin tenant guard, so the routes need not ask twice. */
const resolved = new WeakMap<object, WebhookTenantScope>();
const logger = new Logger('WebhookAdminModule');

/**
 * Resolves the scope of `request` from the `tenant` option: no option, or `ALL_TENANTS`, is every tenant; a
 * non-empty string (or number) is that tenant; anything else (or a throw) is a 403 with a WARN naming the cause.
 */
export async function adminScope(options: WebhookAdminModuleOptions, request: unknown): Promise<WebhookTenantScope> {
  const cached = typeof request === 'object' && request !== null ? resolved.get(request) : undefined;
  if (cached) return cached;
  const scope = await scopeOf(options, request);
  if (typeof request === 'object' && request !== null) resolved.set(request, scope);
  return scope;
}

async function scopeOf(options: WebhookAdminModuleOptions, request: unknown): Promise<WebhookTenantScope> {
  if (!options.tenant) return {};
  let tenant: unknown;
  try {
    tenant = await options.tenant(request);
  } catch (error) {
    return refuse(`the tenant function threw (${(error as Error)?.name ?? 'an error'})`);
  }
  if (tenant === ALL_TENANTS) return {};
  if (typeof tenant === 'string' && tenant.trim() !== '') return { tenant };
  if (typeof tenant === 'number' && Number.isFinite(tenant)) return { tenant: String(tenant) };
  return refuse(`the tenant function gave ${described(tenant)}`);
}

/** What a tenant function gave, for the log: never the value of a string or object (it may be personal data). */
function described(tenant: unknown): string {
  if (typeof tenant === 'string') return 'an empty string';
  if (tenant === null || tenant === undefined) return String(tenant);
  return `a ${typeof tenant}`;
}

function refuse(cause: string): never {
  logger.warn(`No tenant for this request (${cause}): answered 403. Return the tenant's id, or ALL_TENANTS for staff.`);
  throw new ForbiddenException('No tenant for this request.');
}
