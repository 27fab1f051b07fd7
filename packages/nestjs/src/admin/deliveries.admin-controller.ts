import {
  Injectable,
  Body,
  ConflictException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { WebhookDeliveries, type WebhookDeliveryFilter } from '../deliveries/webhook-deliveries.service.js';
import { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import { visible } from '../endpoints/endpoint-status.js';
import { requestChangesOf } from '../outbox/pending-delivery.js';
import { previewSentRequest, type WebhookSentRequest } from '../relay/sent-request.preview.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import { adminScope } from './admin-tenant.js';
import { EndpointActionLimiter } from './endpoint-action.limiter.js';
import { ENDPOINT_ACTION_LIMITS } from '../endpoints/endpoint-input.limits.js';
import { objectBody } from './endpoints.admin-controller.js';
import {
  type AdminDeliveryMatch,
  endpointIdsMatching,
  parseDeliverySearch,
  parseRecoverBody,
} from './delivery-search.query.js';
import { RECOVERY_LIMIT } from '../deliveries/delivery-search.js';
import type { WebhookTenantScope } from '../endpoints/webhook-endpoint.types.js';
import { WEBHOOK_ADMIN_OPTIONS, type WebhookAdminModuleOptions } from './webhook-admin.options.js';

const STATUSES = ['pending', 'succeeded', 'failed'] as const;

/**
 * The delivery log over HTTP: `GET deliveries` (filters `endpointId`, `status`, `eventType`, `eventId`, `since`,
 * `until`, `limit`), `GET deliveries/search` (prefixes, endpoint names, status codes; totals and pages), `GET
 * deliveries/:id` (body and attempts), `POST deliveries/:id/retry`, `POST deliveries/recover` (send again, or count,
 * every match of a search), and `GET stats`,
 * `GET stats/timeline`, `GET stats/latency` and `GET stats/failing-endpoints` for the dashboard's overview.
 */
@Injectable()
export class DeliveriesAdminController {
  constructor(
    private readonly deliveries: WebhookDeliveries,
    private readonly registry: EndpointRegistry,
    @Inject(WEBHOOK_ADMIN_OPTIONS) private readonly options: WebhookAdminModuleOptions,
    private readonly limiter: EndpointActionLimiter,
  ) {}

  @Get('deliveries')
  async list(@Req() request: unknown, @Query() query: Record<string, unknown>) {
    const scope = await adminScope(this.options, request);
    return this.deliveries.list({ ...deliveryFilter(query), ...scope });
  }

  /**
   * Deliveries matching a search (`q`: a delivery id or webhook-id prefix; `endpointId`; `endpoint`: text in a
   * visible endpoint's description, URL or id; `status` incl. `retrying`; `statusCode`; `eventType`; `since`;
   * `until`), newest first, `limit` (1–100) a page: `{ deliveries, total, totalExact, next }`, `next` being the next
   * page's `cursor`. Declared before `deliveries/:id`, which Express would otherwise give `search` as an id.
   */
  @Get('deliveries/search')
  async search(@Req() request: unknown, @Query() query: Record<string, unknown>) {
    const { limit, cursor, ...match } = parseDeliverySearch(query);
    const scope = await adminScope(this.options, request);
    const page = { ...(limit !== undefined && { limit }), ...(cursor !== undefined && { cursor }) };
    return this.deliveries.search({ ...(await this.resolveMatch(match, scope)), ...page, ...scope });
  }

  /**
   * One delivery, its body and attempts, each with the request it sent (`attemptLog[i].request`, as stored), and
   * `request`: while the delivery has no attempt, what its first will send, rebuilt from the endpoint as configured
   * now, secrets elided; `null` once attempted (the attempts tell what went out), or when the endpoint is gone.
   */
  @Get('deliveries/:id')
  async get(@Req() request: unknown, @Param('id') id: string) {
    const delivery = await this.deliveries.get(id, await adminScope(this.options, request));
    if (!delivery) throw new NotFoundException(`No webhook delivery has the id "${id}".`);
    // Once attempted, a request rebuilt from today's endpoint would pass for history it is not.
    if (delivery.attemptLog.length > 0) return { ...delivery, request: null };
    await this.registry.refresh();
    const endpoint = this.registry.get(delivery.endpointId);
    let sent: WebhookSentRequest | null = null;
    // An endpoint whose secret cannot sign (it is reported on the endpoint) has no request to show.
    try {
      // A delivery whose transformation failed sends nothing.
      const failed = requestChangesOf(delivery).requestChanges?.error !== undefined;
      if (endpoint && !failed) sent = previewSentRequest(endpoint, delivery, delivery.nextAttemptAt);
    } catch {}
    return { ...delivery, request: sent };
  }

  /**
   * Sends the stored body again, as a new series of attempts; 409 while a worker is sending it; 429 with
   * `Retry-After` beyond `ENDPOINT_ACTION_LIMITS.retry` for the delivery's endpoint.
   */
  @Post('deliveries/:id/retry')
  @HttpCode(202)
  async retry(@Req() request: unknown, @Param('id') id: string) {
    const scope = await adminScope(this.options, request);
    const delivery = await this.deliveries.get(id, scope);
    if (!delivery) throw new NotFoundException(`No webhook delivery has the id "${id}".`);
    this.limiter.take('retry', delivery.endpointId, ENDPOINT_ACTION_LIMITS.retry);
    if (await this.deliveries.retry(id, scope)) return { retried: 1 };
    // Not retried: the delivery is gone since, or a worker holds it.
    if (!(await this.deliveries.get(id, scope))) throw new NotFoundException(`No webhook delivery has the id "${id}".`);
    throw new ConflictException(`Delivery "${id}" is being sent right now; try again when it is done.`);
  }

  /**
   * Sends again every delivery matching the search's fields (by default the failed ones; pending and retrying ones
   * not due yet are made due now), across endpoints: at most 10,000 a call, the oldest first (`more: true` when
   * others remain). `dryRun: true` counts them, `{ matched }`, and changes nothing. 429 with `Retry-After` beyond
   * `ENDPOINT_ACTION_LIMITS.recover` for its `endpointId` (without one, for the caller's tenant).
   */
  @Post('deliveries/recover')
  @HttpCode(202)
  async recover(@Req() request: unknown, @Body() body: Record<string, unknown> = {}) {
    const { dryRun, ...match } = parseRecoverBody(objectBody(body ?? {}));
    const scope = await adminScope(this.options, request);
    if (match.endpointId !== undefined) {
      // Another tenant's endpoint is "not found", as on every other route.
      await this.registry.refresh();
      const endpoint = this.registry.get(match.endpointId);
      if (!endpoint || !visible(endpoint, scope))
        throw new NotFoundException(`No webhook endpoint has the id "${match.endpointId}".`);
    }
    const filter = { ...(await this.resolveMatch(match, scope)), ...scope };
    if (dryRun) {
      const { matched, more } = await this.deliveries.countRetryable(filter);
      return { matched, ...(more && { more }) };
    }
    const key = match.endpointId ?? `(every endpoint of ${scope.tenant ?? 'every tenant'})`;
    this.limiter.take('recover', key, ENDPOINT_ACTION_LIMITS.recover);
    const retried = await this.deliveries.retryMany(filter);
    // A full batch may have left others: they match still (the retried ones no longer do).
    const more = retried === RECOVERY_LIMIT && (await this.deliveries.countRetryable(filter)).matched > 0;
    return { retried, ...(more && { more }) };
  }

  /** A match as the service takes it: `endpoint` text becomes the ids of the scope's endpoints it finds. */
  private async resolveMatch(match: AdminDeliveryMatch, scope: WebhookTenantScope) {
    const { endpoint, ...rest } = match;
    if (endpoint === undefined) return rest;
    await this.registry.refresh();
    return { ...rest, endpointIds: endpointIdsMatching(this.registry.all(), endpoint, scope) };
  }

  /** Attempts per minute by outcome over the last `hours` (1 to 24, default 3). */
  @Get('stats/timeline')
  async timeline(@Req() request: unknown, @Query('hours') hours?: string) {
    const parsed = hours === undefined ? 3 : Number(hours);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 24) {
      throw new WebhookValidationError([{ field: 'hours', message: 'must be a whole number from 1 to 24.' }]);
    }
    return this.deliveries.timeline(await adminScope(this.options, request), { hours: parsed });
  }

  /** Commit → delivered percentiles over the last hour (the latest 1,000 successes). */
  @Get('stats/latency')
  async latency(@Req() request: unknown) {
    return this.deliveries.latency(await adminScope(this.options, request));
  }

  /** The 5 endpoints with the most failed attempts in the last hour. */
  @Get('stats/failing-endpoints')
  async failingEndpoints(@Req() request: unknown) {
    return this.deliveries.failingEndpoints(await adminScope(this.options, request));
  }

  @Get('stats')
  async stats(@Req() request: unknown) {
    return this.deliveries.stats(await adminScope(this.options, request));
  }
}

/** Query strings carry text only: numbers and the status are parsed and checked here, every mistake reported. */
function deliveryFilter(query: Record<string, unknown>): WebhookDeliveryFilter {
  const errors: WebhookFieldError[] = [];
  const filter: WebhookDeliveryFilter = {};
  for (const [field, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      errors.push({ field, message: 'must be given once.' });
      continue;
    }
    switch (field) {
      case 'endpointId':
      case 'eventType':
      case 'eventId':
        filter[field] = value;
        break;
      case 'status':
        if ((STATUSES as readonly string[]).includes(value)) filter.status = value as WebhookDeliveryFilter['status'];
        else errors.push({ field, message: `must be one of ${STATUSES.join(', ')}.` });
        break;
      case 'since':
      case 'until':
      case 'limit': {
        const number = Number(value);
        if (value === '' || !Number.isSafeInteger(number) || number < 0)
          errors.push({ field, message: 'must be a whole number.' });
        else filter[field] = number;
        break;
      }
      default:
        errors.push({
          field,
          message: 'is not a filter; use endpointId, status, eventType, eventId, since, until, limit.',
        });
    }
  }
  if (errors.length > 0) throw new WebhookValidationError(errors);
  return filter;
}
