import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { WebhookDeliveryEntity, WebhookEventEntity } from '../outbox/entities/index.js';
import type { WebhookDeliveryStatus } from '../outbox/entities/webhook-delivery.entity.js';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import { decodeCursor, encodeCursor, prefixRange } from './delivery-search.cursor.js';

/** A delivery with its event's type. */
export type WebhookDeliverySummary = WebhookDeliveryEntity & { eventType: string };

/** A status to search by: the stored ones, and `retrying` (pending after a failed attempt). */
export type WebhookDeliverySearchStatus = WebhookDeliveryStatus | 'retrying';

/** The fields `search()` and `retryMany()` match deliveries by. Every field is optional; they combine with AND. */
export interface WebhookDeliveryMatch {
  /** Only deliveries to this tenant's endpoints (see `WebhookTenantScope`). */
  tenant?: string;
  /**
   * A prefix (at least 4 characters) of the delivery's id or of its event's id (the `webhook-id`), e.g.
   * `msg_0194c3a1`. Read through the primary key and the `(event_id, endpoint_id)` key, on every database.
   */
  q?: string;
  /** Only deliveries to this endpoint. */
  endpointId?: string;
  /** Only deliveries to one of these endpoints (none: nothing matches), e.g. those whose name matched a search. */
  endpointIds?: readonly string[];
  /**
   * `pending`: every pending delivery; `retrying`: those pending after a failed attempt (their last attempt
   * failed); `succeeded`; `failed` (for good).
   */
  status?: WebhookDeliverySearchStatus;
  /** The HTTP status of the last attempt's answer (100–599). */
  statusCode?: number;
  /** Only deliveries of events of this type. */
  eventType?: string;
  /** Created at or after this time (epoch ms). */
  since?: number;
  /** Created before this time (epoch ms). */
  until?: number;
}

/** What `WebhookDeliveries.search()` finds: a match, one page at a time. */
export interface WebhookDeliverySearch extends WebhookDeliveryMatch {
  /**
   * At most this many (1 to 100), newest first.
   *
   * @defaultValue `50`
   */
  limit?: number;
  /** The previous page's `next`, for the page after it; omitted for the first page. */
  cursor?: string;
}

/** Which deliveries `retryMany()` sends again: a match; by default the failed ones. */
export interface WebhookBulkRetryFilter extends WebhookDeliveryMatch {
  /**
   * `failed` sends failed deliveries again; `succeeded` replays delivered ones; `pending` and `retrying` make the
   * matching ones that are not due yet due now ("send now").
   *
   * @defaultValue `'failed'`
   */
  status?: WebhookDeliverySearchStatus;
}

/** How many deliveries `retryMany()` would send again now. */
export interface WebhookRetryCount {
  /** How many match, counted up to 10,000. */
  matched: number;
  /** More than 10,000 match: one `retryMany()` sends the oldest 10,000, a second call the next ones. */
  more: boolean;
}

/** One page of a search, with the total of the whole match. */
export interface WebhookDeliveryPage<T> {
  /** This page's deliveries, newest first. */
  deliveries: T[];
  /** How many deliveries match in all pages, counted up to 10,000 (see `totalExact`). */
  total: number;
  /** `false` when more than 10,000 match (`total` is then 10,000). */
  totalExact: boolean;
  /** The `cursor` of the next page; `null` on the last one. */
  next: string | null;
}

/** A search counts at most this many matches, so a count over a long log costs at most as many index entries. */
export const SEARCH_TOTAL_LIMIT = 10_000;

/** One `retryMany()` changes at most this many deliveries (the oldest first), so one statement stays short. */
export const RECOVERY_LIMIT = 10_000;

/** Deliveries the matching ones are read from, alias `delivery` (the event joined as `event` when needed). */
export function matchingDeliveries(
  dataSource: DataSource,
  match: WebhookDeliveryMatch,
  { withEvent }: { withEvent: boolean },
): SelectQueryBuilder<WebhookDeliveryEntity> {
  const query = dataSource.getRepository(WebhookDeliveryEntity).createQueryBuilder('delivery');
  // A left join: a delivery whose event row was deleted by hand still shows, with no type.
  if (withEvent || match.eventType !== undefined)
    query.leftJoin(WebhookEventEntity, 'event', 'event.id = delivery.eventId');
  if (match.tenant !== undefined) query.andWhere('delivery.tenant = :tenant', { tenant: match.tenant });
  if (match.endpointId !== undefined)
    query.andWhere('delivery.endpointId = :endpointId', { endpointId: match.endpointId });
  if (match.endpointIds !== undefined) {
    if (match.endpointIds.length === 0) query.andWhere('1 = 0');
    else query.andWhere('delivery.endpointId IN (:...endpointIds)', { endpointIds: match.endpointIds });
  }
  if (match.status === 'retrying')
    // Pending with a failed last attempt: a success completes a delivery, a failure leaves it pending with an error.
    query.andWhere("delivery.status = 'pending' AND delivery.attempts > 0 AND delivery.lastError IS NOT NULL");
  else if (match.status !== undefined) query.andWhere('delivery.status = :status', { status: match.status });
  if (match.statusCode !== undefined)
    query.andWhere('delivery.lastStatusCode = :statusCode', { statusCode: match.statusCode });
  if (match.eventType !== undefined) query.andWhere('event.type = :eventType', { eventType: match.eventType });
  if (match.since !== undefined) query.andWhere('delivery.createdAt >= :since', { since: match.since });
  if (match.until !== undefined) query.andWhere('delivery.createdAt < :until', { until: match.until });
  if (match.q !== undefined) matchPrefix(query, match.q);
  return query;
}

/**
 * A prefix as a key range (`>= q AND < the next prefix`, which any btree reads, in any collation) of the delivery's
 * id or its event's id, checked exactly by `SUBSTR` (the range alone may hold more in some collations).
 */
function matchPrefix(query: SelectQueryBuilder<WebhookDeliveryEntity>, q: string): void {
  const { from, below } = prefixRange(q);
  const exact = (column: string) =>
    `(${column} >= :prefix${below === null ? '' : ` AND ${column} < :prefixEnd`} AND SUBSTR(${column}, 1, ${q.length}) = :prefix)`;
  query.andWhere(`(${exact('delivery.id')} OR ${exact('delivery.eventId')})`, { prefix: from, prefixEnd: below });
}

/**
 * How many rows `query` gives, counted up to `limit + 1` by a `LIMIT` inside the count, so a broad match over a
 * million rows reads `limit + 1` index entries rather than all of them.
 */
export async function countUpTo(
  dataSource: DataSource,
  query: SelectQueryBuilder<WebhookDeliveryEntity>,
  limit: number,
): Promise<number> {
  const [sql, parameters] = query
    .clone()
    .select('delivery.id', 'id')
    .orderBy()
    .limit(limit + 1)
    .getQueryAndParameters();
  const [row] = (await dataSource.query(`SELECT COUNT(*) AS n FROM (${sql}) capped`, parameters)) as Array<{
    n: unknown;
  }>;
  return Number(row?.n ?? 0);
}

/** A page of `filter`'s matches, newest first, with the total; see `WebhookDeliveries.search()`. */
export async function searchDeliveries(
  dataSource: DataSource,
  filter: WebhookDeliverySearch,
): Promise<WebhookDeliveryPage<WebhookDeliverySummary>> {
  const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 50)), 100);
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  if (filter.cursor !== undefined && after === undefined)
    throw new WebhookValidationError([
      { field: 'cursor', message: 'is not a cursor a search gave; search again without it.' },
    ]);
  const page = matchingDeliveries(dataSource, filter, { withEvent: true });
  // Keyset paging: the rows after the cursor's in (createdAt, id) order, read from the index where the last page ended.
  if (after)
    page.andWhere('delivery.createdAt <= :afterAt AND (delivery.createdAt < :afterAt OR delivery.id < :afterId)', {
      afterAt: after.createdAt,
      afterId: after.id,
    });
  const [total, { entities, raw }] = await Promise.all([
    countUpTo(dataSource, matchingDeliveries(dataSource, filter, { withEvent: false }), SEARCH_TOTAL_LIMIT),
    page
      .addSelect('event.type', 'event_type')
      .orderBy('delivery.createdAt', 'DESC')
      .addOrderBy('delivery.id', 'DESC')
      .limit(limit + 1)
      .getRawAndEntities<{ delivery_id: string; event_type: string | null }>(),
  ]);
  const types = new Map(raw.map((row) => [row.delivery_id, row.event_type]));
  const deliveries = entities
    .slice(0, limit)
    .map((delivery) => Object.assign(delivery, { eventType: types.get(delivery.id) ?? '' }));
  const last = deliveries.at(-1);
  return {
    deliveries,
    total: Math.min(total, SEARCH_TOTAL_LIMIT),
    totalExact: total <= SEARCH_TOTAL_LIMIT,
    next: entities.length > limit && last ? encodeCursor(last) : null,
  };
}

/**
 * What `retryMany()` would change at `now`: the match (by default the failed ones), never under a live lease, and
 * of pending ones only those not due yet (a due one is on its way, and a second call moves on past them).
 */
export function retryableDeliveries(
  dataSource: DataSource,
  filter: WebhookBulkRetryFilter,
  now: number,
): SelectQueryBuilder<WebhookDeliveryEntity> {
  const status = filter.status ?? 'failed';
  const query = matchingDeliveries(dataSource, { ...filter, status }, { withEvent: false }).andWhere(
    '(delivery.lockedUntil IS NULL OR delivery.lockedUntil <= :now)',
    { now },
  );
  if (status === 'pending' || status === 'retrying') query.andWhere('delivery.nextAttemptAt > :now');
  return query;
}
