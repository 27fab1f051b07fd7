import { Inject, Injectable } from '@nestjs/common';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import type { DataSource } from 'typeorm';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEventEntity } from '../outbox/entities/index.js';
import type { WebhookDeliveryStatus } from '../outbox/entities/webhook-delivery.entity.js';
import type { WebhookTenantScope } from '../endpoints/webhook-endpoint.types.js';
import { oldestDueLag, readBacklog, readCompletedSince } from '../outbox/stores/backlog.statements.js';
import { readDeliveryLatencies } from '../outbox/stores/delivery-latency.statements.js';
import { readEndpointFailures } from '../outbox/stores/endpoint-failures.statements.js';
import { readAttemptTimeline } from '../outbox/stores/timeline.statements.js';
import type { WebhookAttemptBucket, WebhookEndpointFailureCount } from './webhook-delivery-stats.types.js';
import { latencyPercentiles, type WebhookLatencyPercentiles } from './latency-percentiles.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import {
  countUpTo,
  RECOVERY_LIMIT,
  retryableDeliveries,
  searchDeliveries,
  type WebhookBulkRetryFilter,
  type WebhookDeliverySummary,
  type WebhookDeliveryPage,
  type WebhookDeliverySearch,
  type WebhookRetryCount,
} from './delivery-search.js';

export type { WebhookBulkRetryFilter, WebhookDeliverySummary } from './delivery-search.js';

/** Which deliveries `list()` returns. Every field is optional; they combine with AND. */
export interface WebhookDeliveryFilter {
  /** Only deliveries to this tenant's endpoints (see `WebhookTenantScope`). */
  tenant?: string;
  /** Only deliveries to this endpoint. */
  endpointId?: string;
  /** Only deliveries in this status. */
  status?: WebhookDeliveryStatus;
  /** Only deliveries of events of this type. */
  eventType?: string;
  /** Only the deliveries of this event (its `webhook-id`). */
  eventId?: string;
  /** Created at or after this time (epoch ms). */
  since?: number;
  /** Created before this time (epoch ms). */
  until?: number;
  /**
   * At most this many (up to `500`), newest first.
   *
   * @defaultValue `50`
   */
  limit?: number;
}

/**
 * A delivery with its body of record (the event's exact body, or what the endpoint's transformation made of it), the
 * id of the row it is about (which a `thin` endpoint is sent), and every attempt, oldest first.
 */
export type WebhookDeliveryDetails = WebhookDeliverySummary & {
  payload: string;
  sourceId: string | null;
  /** Whether the endpoint's transformation made its body or request (see `request` for what it changed). */
  transformed: boolean;
  attemptLog: WebhookAttemptEntity[];
};

/** Counts of the delivery log, for dashboards and alerts. */
export interface WebhookDeliveryStats {
  /** Waiting for their first attempt or a retry. */
  pending: number;
  /** Pending, due now, and not claimed by a worker. */
  due: number;
  /** Claimed by a worker right now. */
  leased: number;
  /** How long the oldest due delivery has been waiting past its time, in ms (0 when none is due). */
  oldestDueLag: number;
  /** Events committed and not fanned out yet (all tenants' with no scope; the tenant's with one). */
  unfannedEvents: number;
  /** Start of the window `succeeded` and `failed` count (epoch ms). */
  since: number;
  /** Deliveries that succeeded since `since`. */
  succeeded: number;
  /** Deliveries that failed for good since `since`. */
  failed: number;
}

/** `stats()` counts finished deliveries over the last hour unless told otherwise. */
const DEFAULT_STATS_WINDOW = 60 * 60 * 1000;

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/**
 * The delivery log: what was sent where, every attempt, and what is waiting. Retrying sends the stored body again,
 * byte for byte and with the same `webhook-id`, as a new series with the full retry budget.
 */
@Injectable()
export class WebhookDeliveries {
  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly wake: OutboxWakeSignal,
  ) {}

  /** Deliveries matching `filter`, newest first. */
  async list(filter: WebhookDeliveryFilter = {}): Promise<WebhookDeliverySummary[]> {
    const limit = Math.min(Math.max(1, filter.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
    const query = this.dataSource.getRepository(WebhookDeliveryEntity).createQueryBuilder('delivery');
    if (filter.tenant !== undefined) query.andWhere('delivery.tenant = :tenant', { tenant: filter.tenant });
    if (filter.endpointId !== undefined)
      query.andWhere('delivery.endpointId = :endpointId', { endpointId: filter.endpointId });
    if (filter.status !== undefined) query.andWhere('delivery.status = :status', { status: filter.status });
    if (filter.eventId !== undefined) query.andWhere('delivery.eventId = :eventId', { eventId: filter.eventId });
    if (filter.since !== undefined) query.andWhere('delivery.createdAt >= :since', { since: filter.since });
    if (filter.until !== undefined) query.andWhere('delivery.createdAt < :until', { until: filter.until });
    if (filter.eventType !== undefined) query.andWhere('event.type = :eventType', { eventType: filter.eventType });
    // One query: the event's type comes with the row (a delivery has exactly one event, so a plain LIMIT is right).
    const { entities, raw } = await query
      .innerJoin(WebhookEventEntity, 'event', 'event.id = delivery.eventId')
      .addSelect('event.type', 'event_type')
      .orderBy('delivery.createdAt', 'DESC')
      .addOrderBy('delivery.id', 'DESC')
      .limit(limit)
      .getRawAndEntities<{ delivery_id: string; event_type: string }>();
    const types = new Map(raw.map((row) => [row.delivery_id, row.event_type]));
    return entities.map((delivery) => Object.assign(delivery, { eventType: types.get(delivery.id) ?? '' }));
  }

  /** One delivery with its body and attempt history, or `null` (also when it is not the scope's tenant's). */
  async get(id: string, scope: WebhookTenantScope = {}): Promise<WebhookDeliveryDetails | null> {
    const delivery = await this.dataSource.getRepository(WebhookDeliveryEntity).findOneBy({ id });
    if (!delivery || (scope.tenant !== undefined && delivery.tenant !== scope.tenant)) return null;
    const event = await this.dataSource.getRepository(WebhookEventEntity).findOneBy({ id: delivery.eventId });
    const attemptLog = await this.dataSource
      .getRepository(WebhookAttemptEntity)
      .find({ where: { deliveryId: id }, order: { attemptNumber: 'ASC' } });
    const transformed = delivery.payload !== null || delivery.request !== null;
    return Object.assign(delivery, {
      transformed,
      eventType: event?.type ?? '',
      // A transformed delivery's body of record is what was sent; otherwise the event's.
      payload: delivery.payload ?? event?.payload ?? '',
      sourceId: event?.sourceId ?? null,
      attemptLog,
    });
  }

  /**
   * Makes a delivery due now, whatever its status (a succeeded one is replayed), as a new series of attempts.
   * Returns false if it does not exist (in the scope's tenant) or a worker is sending it right now.
   */
  async retry(id: string, scope: WebhookTenantScope = {}): Promise<boolean> {
    const now = this.clock.now();
    const query = this.retryQuery(now).andWhere('id = :id', { id });
    if (scope.tenant !== undefined) query.andWhere('tenant = :tenant', { tenant: scope.tenant });
    const retried = (await query.execute()).affected === 1;
    if (retried) await this.wake.notifyDue();
    return retried;
  }

  /**
   * Deliveries matching `filter` (a delivery or event id prefix, endpoints, status incl. `retrying`, last status code,
   * type, time), newest first, one page at a time (`next` is the following page's `cursor`), with the total counted
   * up to 10,000. Pages are cut by position (creation time, id), so a page costs the same however deep it is.
   */
  async search(filter: WebhookDeliverySearch = {}): Promise<WebhookDeliveryPage<WebhookDeliverySummary>> {
    return searchDeliveries(this.dataSource, filter);
  }

  /**
   * Makes matching deliveries due now, as `retry()` does one, the oldest first and at most 10,000 a call (call
   * again for the next ones; `countRetryable()` says whether more match). By default the failed ones; pending ones
   * not due yet are made due now. Never one a worker is sending. Returns how many.
   */
  async retryMany(filter: WebhookBulkRetryFilter = {}): Promise<number> {
    const now = this.clock.now();
    const picked = retryableDeliveries(this.dataSource, filter, now)
      .select('delivery.id', 'id')
      .orderBy('delivery.createdAt', 'ASC')
      .addOrderBy('delivery.id', 'ASC')
      .limit(RECOVERY_LIMIT);
    // A derived table around the LIMIT: MySQL/MariaDB refuse LIMIT in an IN subquery, and reading the updated table.
    const query = this.retryQuery(now)
      .andWhere(`id IN (SELECT picked.id FROM (${picked.getQuery()}) picked)`)
      .setParameters({ ...picked.getParameters(), now });
    const retried = (await query.execute()).affected ?? 0;
    if (retried > 0) await this.wake.notifyDue();
    return retried;
  }

  /** How many deliveries `retryMany(filter)` would send again now (counted up to 10,000); changes nothing. */
  async countRetryable(filter: WebhookBulkRetryFilter = {}): Promise<WebhookRetryCount> {
    const matched = await countUpTo(
      this.dataSource,
      retryableDeliveries(this.dataSource, filter, this.clock.now()),
      RECOVERY_LIMIT,
    );
    return { matched: Math.min(matched, RECOVERY_LIMIT), more: matched > RECOVERY_LIMIT };
  }

  /**
   * What is waiting (pending, due, leased, the oldest due delivery's lag) and what finished since `since` (default:
   * the last hour), over every delivery or the scope's tenant's. Cheap however long the log: it reads the pending
   * rows and the recently completed ones through their indexes, never the whole history.
   */
  async stats(scope: WebhookTenantScope = {}, { since }: { since?: number } = {}): Promise<WebhookDeliveryStats> {
    const now = this.clock.now();
    const from = since ?? now - DEFAULT_STATS_WINDOW;
    const [backlog, completed] = await Promise.all([
      readBacklog(this.dataSource, now, scope.tenant),
      readCompletedSince(this.dataSource, from, scope.tenant),
    ]);
    return {
      pending: backlog.pending,
      due: backlog.due,
      leased: backlog.leased,
      oldestDueLag: oldestDueLag(backlog, now),
      unfannedEvents: backlog.unfannedEvents,
      since: from,
      succeeded: completed.succeeded,
      failed: completed.failed,
    };
  }

  /**
   * Attempts per minute (or `bucketMs`) over the last `hours` (default 3), oldest first, every bucket present:
   * succeeded, retrying (failed and tried again) and failed (for good). What the dashboard's chart draws. Reads the window's attempts only, through their start-time index.
   */
  async timeline(
    scope: WebhookTenantScope = {},
    { hours = 3, bucketMs = 60_000 }: { hours?: number; bucketMs?: number } = {},
  ): Promise<WebhookAttemptBucket[]> {
    const now = this.clock.now();
    return readAttemptTimeline(this.dataSource, now - hours * 3_600_000, now, bucketMs, scope.tenant);
  }

  /**
   * Commit → delivered percentiles (p50, p95, p99, max) of the latest `sample` (default 1,000) deliveries that
   * succeeded since `since` (default: the last hour): from the event's capture to its delivery's success, retries
   * included. Reads only the sampled rows.
   */
  async latency(
    scope: WebhookTenantScope = {},
    { since, sample = 1_000 }: { since?: number; sample?: number } = {},
  ): Promise<WebhookLatencyPercentiles> {
    const from = since ?? this.clock.now() - DEFAULT_STATS_WINDOW;
    return latencyPercentiles(from, await readDeliveryLatencies(this.dataSource, from, sample, scope.tenant));
  }

  /**
   * The `limit` (default 5) endpoints with the most failed attempts since `since` (default: the last hour), most
   * first, with their attempts in all; endpoints without a failure are left out.
   */
  async failingEndpoints(
    scope: WebhookTenantScope = {},
    { since, limit = 5 }: { since?: number; limit?: number } = {},
  ): Promise<WebhookEndpointFailureCount[]> {
    const from = since ?? this.clock.now() - DEFAULT_STATS_WINDOW;
    return readEndpointFailures(this.dataSource, from, limit, scope.tenant);
  }

  /** The update both retries share: due now, a new series, never under a live lease. */
  private retryQuery(now: number) {
    return this.dataSource
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({
        status: 'pending',
        failureReason: null,
        nextAttemptAt: now,
        seriesStart: () => 'attempts',
        completedAt: null,
        updatedAt: now,
      })
      .where('(locked_until IS NULL OR locked_until <= :now)', { now })
      .callListeners(false);
  }
}
