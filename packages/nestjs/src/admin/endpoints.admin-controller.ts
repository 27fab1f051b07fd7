import { Injectable, Body, Delete, Get, Header, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import {
  type CreateWebhookEndpointInput,
  type RotateWebhookSecretInput,
  type UpdateWebhookEndpointInput,
} from '../endpoints/webhook-endpoint.types.js';
import { WebhookEndpoints } from '../endpoints/webhook-endpoints.service.js';
import { EndpointDryRun, type WebhookDryRunInput } from '../endpoints/endpoint-dry-run.js';
import { ENDPOINT_ACTION_LIMITS, MAX_DISABLE_REASON_LENGTH } from '../endpoints/endpoint-input.limits.js';
import { WebhookEventTypes } from '../emit/webhook-event-types.service.js';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import { adminScope } from './admin-tenant.js';
import { EndpointActionLimiter } from './endpoint-action.limiter.js';
import { WEBHOOK_ADMIN_OPTIONS, type WebhookAdminModuleOptions } from './webhook-admin.options.js';

/**
 * Endpoints over HTTP: `GET|POST endpoints`, `GET|PATCH|DELETE endpoints/:id`, `POST endpoints/:id/enable`,
 * `.../disable` (`{ reason? }`), `.../rotate-secret` (`{ secret?, overlap? }`), `.../test`, `.../dry-run`, and
 * `GET event-types`.
 * Mounted (and guarded) by `WebhookAdminModule.register()`. Custom header values are write-only: shown masked, and a
 * masked value sent back in an update keeps the stored one. Answers that carry a secret are `Cache-Control: no-store`.
 */
@Injectable()
export class EndpointsAdminController {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly eventTypes: WebhookEventTypes,
    @Inject(WEBHOOK_ADMIN_OPTIONS) private readonly options: WebhookAdminModuleOptions,
    private readonly limiter: EndpointActionLimiter,
    private readonly dryRuns: EndpointDryRun,
  ) {}

  @Get('endpoints')
  async list(@Req() request: unknown) {
    return this.endpoints.list(await adminScope(this.options, request));
  }

  /** 201 with the endpoint and its secret, which is shown this once (and kept by no cache). */
  @Post('endpoints')
  @Header('cache-control', 'no-store')
  async create(@Req() request: unknown, @Body() body: CreateWebhookEndpointInput) {
    return this.endpoints.create(objectBody(body), await adminScope(this.options, request));
  }

  @Get('endpoints/:id')
  async get(@Req() request: unknown, @Param('id') id: string) {
    const endpoint = await this.endpoints.get(id, await adminScope(this.options, request));
    if (!endpoint) throw new WebhookEndpointNotFoundError(id);
    return endpoint;
  }

  @Patch('endpoints/:id')
  async update(@Req() request: unknown, @Param('id') id: string, @Body() body: UpdateWebhookEndpointInput) {
    return this.endpoints.update(id, objectBody(body), await adminScope(this.options, request));
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  async delete(@Req() request: unknown, @Param('id') id: string): Promise<void> {
    await this.endpoints.delete(id, await adminScope(this.options, request));
  }

  @Post('endpoints/:id/enable')
  @HttpCode(200)
  async enable(@Req() request: unknown, @Param('id') id: string) {
    const scope = await adminScope(this.options, request);
    await this.endpoints.enable(id, scope);
    return this.endpoints.get(id, scope);
  }

  @Post('endpoints/:id/disable')
  @HttpCode(200)
  async disable(@Req() request: unknown, @Param('id') id: string, @Body() body: { reason?: unknown } = {}) {
    const scope = await adminScope(this.options, request);
    const { reason } = objectBody(body ?? {});
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_DISABLE_REASON_LENGTH)) {
      throw new WebhookValidationError([
        { field: 'reason', message: `must be a string of at most ${MAX_DISABLE_REASON_LENGTH} characters.` },
      ]);
    }
    await this.endpoints.disable(id, reason, scope);
    return this.endpoints.get(id, scope);
  }

  /**
   * The new secret, shown this once (and kept by no cache). 409 naming the key when a stored secret is sealed with an
   * encryption key that is not configured: nothing is changed.
   */
  @Post('endpoints/:id/rotate-secret')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async rotateSecret(@Req() request: unknown, @Param('id') id: string, @Body() body: RotateWebhookSecretInput = {}) {
    return this.endpoints.rotateSecret(id, objectBody(body ?? {}), await adminScope(this.options, request));
  }

  /**
   * 202 `{ webhookId, deliveryId, pausedUntil }`: a `webhook.test` event (or, with body `{ type }`, the catalog's
   * example of that type) on its way to this endpoint (waiting until `pausedUntil` if it is paused); 400 naming the
   * known types for an unknown `type`; 409 naming the reason if it is disabled (nothing created); 429 with
   * `Retry-After` beyond `ENDPOINT_ACTION_LIMITS.test`.
   */
  @Post('endpoints/:id/test')
  @HttpCode(202)
  async sendTestEvent(@Req() request: unknown, @Param('id') id: string, @Body() body: { type?: string } = {}) {
    const scope = await adminScope(this.options, request);
    const { type } = objectBody(body ?? {});
    // Another tenant's id is 404 before it can spend this endpoint's allowance.
    if (!(await this.endpoints.get(id, scope))) throw new WebhookEndpointNotFoundError(id);
    this.limiter.take('test', id, ENDPOINT_ACTION_LIMITS.test);
    return this.endpoints.sendTestEvent(id, scope, type === undefined ? {} : { type });
  }

  /**
   * 200 `WebhookDryRunResult`: what this endpoint would do with a real recent event (or `eventId`), given would-be
   * `filter`, `transform`, `method`, `bodyFormat`, `payloadFormat` (omitted: as stored); sends and stores nothing.
   * 400 field errors as PATCH; 429 with `Retry-After` beyond `ENDPOINT_ACTION_LIMITS.dryRun`.
   */
  @Post('endpoints/:id/dry-run')
  @HttpCode(200)
  async dryRun(@Req() request: unknown, @Param('id') id: string, @Body() body: WebhookDryRunInput = {}) {
    const scope = await adminScope(this.options, request);
    const input = objectBody(body ?? {});
    // Another tenant's id is 404 before it can spend this endpoint's allowance.
    if (!(await this.endpoints.get(id, scope))) throw new WebhookEndpointNotFoundError(id);
    this.limiter.take('dry-run', id, ENDPOINT_ACTION_LIMITS.dryRun);
    return this.dryRuns.run(id, input, scope);
  }

  @Get('event-types')
  listEventTypes() {
    return this.eventTypes.list();
  }

  /** The event catalog as an OpenAPI 3.1 document (`webhooks`), for receiver teams to generate their types from. */
  @Get('openapi.json')
  openApi() {
    return this.eventTypes.openApi();
  }
}

/** A JSON body must be an object; anything else (an array, a string) is a 400 rather than a confusing field error. */
export function objectBody<T>(body: T): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WebhookValidationError([{ field: '(body)', message: 'must be a JSON object.' }]);
  }
  return body;
}
