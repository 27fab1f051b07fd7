import type { WebhookTenantScope } from '../endpoints/webhook-endpoint.types.js';
import type { WebhookAdminModuleOptions } from './webhook-admin.options.js';

/** The scope a request acts in, from the `tenant` option. */
export async function adminScope(options: WebhookAdminModuleOptions, request: unknown): Promise<WebhookTenantScope> {
  const tenant: unknown = await options.tenant?.(request);
  return tenant === undefined || tenant === null ? {} : { tenant: String(tenant) };
}
