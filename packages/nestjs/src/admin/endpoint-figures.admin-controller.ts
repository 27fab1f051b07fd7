import { Get, Inject, Injectable, Query, Req } from '@nestjs/common';
import { EndpointFigures } from '../deliveries/endpoint-figures.service.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import { adminScope } from './admin-tenant.js';
import { WEBHOOK_ADMIN_OPTIONS, type WebhookAdminModuleOptions } from './webhook-admin.options.js';

/**
 * Per-endpoint figures over HTTP: `GET stats/endpoints` (`endpointId`, `since`; default the last 24 hours) answers
 * `WebhookEndpointFigures[]`, one per endpoint the caller sees; another tenant's `endpointId` is 404. Mounted (and
 * guarded) by `WebhookAdminModule.register()`.
 */
@Injectable()
export class EndpointFiguresAdminController {
  constructor(
    private readonly figures: EndpointFigures,
    @Inject(WEBHOOK_ADMIN_OPTIONS) private readonly options: WebhookAdminModuleOptions,
  ) {}

  @Get('stats/endpoints')
  async endpointFigures(@Req() request: unknown, @Query() query: Record<string, unknown>) {
    const errors: WebhookFieldError[] = [];
    const { endpointId, since, ...rest } = query;
    for (const field of Object.keys(rest)) errors.push({ field, message: 'is not a filter; use endpointId, since.' });
    if (endpointId !== undefined && (typeof endpointId !== 'string' || endpointId === ''))
      errors.push({ field: 'endpointId', message: 'must be given once, an endpoint id.' });
    const from = since === undefined ? undefined : Number(since);
    if (from !== undefined && (typeof since !== 'string' || since === '' || !Number.isSafeInteger(from) || from < 0))
      errors.push({ field: 'since', message: 'must be a time in epoch milliseconds, given once.' });
    if (errors.length > 0) throw new WebhookValidationError(errors);
    return this.figures.read(await adminScope(this.options, request), {
      ...(endpointId !== undefined && { endpointId: endpointId as string }),
      ...(from !== undefined && { since: from }),
    });
  }
}
