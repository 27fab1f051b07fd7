import type { WebhookDeliveryPage } from '../../src/index.js';
import type { DeliverySummary } from './api-client.js';
import { DeliveryFilters } from './delivery-filters.js';
import { deliveryStatus, EndpointHold, EndpointName } from './delivery-endpoint.js';
import { type DeliveryFilter, filterFromParams, searchPath } from './delivery-filter.js';
import { LoadError, UpdatedAt } from './load-error.js';
import { RecoveryPanel } from './recovery-panel.js';
import { href, navigate, type Route } from './router.js';
import { formatTime } from './time-format.js';
import { useApi } from './use-api.js';
import { useEndpointNames } from './use-endpoint-names.js';
import { useWords } from './wording.js';

/** Deliveries a page, unless the link says otherwise (`limit`, 1 to 100, as the API allows). */
const PAGE = 50;

function pageSize(value: string | null): number {
  const size = Number(value);
  return Number.isInteger(size) && size >= 1 && size <= 100 ? size : PAGE;
}

/** One page of `GET deliveries/search`: the server's own type, so a change there fails the page's type check. */
export type DeliverySearchPage = WebhookDeliveryPage<DeliverySummary>;

/**
 * Where "Newer" goes back to from a page reached by "Older": the cursor of the page before (`''` the first). Kept
 * for the tab's life; a pasted link to a later page goes back to the newest instead.
 */
const newerCursor = new Map<string, string>();

/** The route's fragment for a filter and page. */
function listHref(filter: DeliveryFilter, cursor: string | undefined, limit: number): string {
  return href(['deliveries'], { ...filter, cursor, limit: limit === PAGE ? undefined : String(limit) });
}

/**
 * The delivery log, newest first: searched by the route's filter (a URL), live, with its total, paged by cursor, each
 * delivery naming its endpoint; a delivery opens on its own page.
 */
export function DeliveriesView({ route, onUnauthorized }: { route: Route; onUnauthorized: () => void }) {
  const words = useWords();
  const filter = filterFromParams(route.params);
  const cursor = route.params.get('cursor') ?? undefined;
  const limit = pageSize(route.params.get('limit'));
  const search = useApi<DeliverySearchPage>(searchPath(filter, cursor, limit), onUnauthorized, { live: true });
  const page = search.data;
  const rows = page?.deliveries ?? [];
  const names = useEndpointNames(
    onUnauthorized,
    [...rows.map((row) => row.endpointId), ...(filter.endpoint ? [filter.endpoint] : [])],
    search.updatedAt,
  );
  const endpoints = names.byId;
  // Endpoints known only by id in the log (or in the link): deleted since, still searchable.
  const deletedIds = [...new Set([...rows.map((row) => row.endpointId), filter.endpoint ?? ''])].filter(
    (id) => id !== '' && names.deleted(id),
  );
  const filterKey = href([], { ...filter });
  return (
    <section data-testid="deliveries-view">
      <h2>Deliveries</h2>
      <DeliveryFilters
        key={`${filterKey}|${endpoints ? 'endpoints' : ''}|${deletedIds.join(' ')}`}
        filter={filter}
        endpoints={endpoints}
        deletedIds={deletedIds}
        error={search.error}
        onApply={(next) => navigate(listHref(next, undefined, limit))}
      />
      <RecoveryPanel
        key={filterKey}
        filter={filter}
        endpoints={endpoints}
        onDone={search.reload}
        onUnauthorized={onUnauthorized}
      />
      <LoadError state={search} />
      <p class="total" data-testid="delivery-total" aria-live="polite">
        {page ? totalText(page) : search.error ? '' : 'Loading…'}
      </p>
      <p class="muted">{words.deliveryAndAttempt}</p>
      <table class="deliveries stack" data-testid="deliveries" data-loaded={page ? 'true' : 'false'}>
        <thead>
          <tr>
            <th>Created</th>
            <th>Event type</th>
            <th>Endpoint</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((delivery) => {
            const status = deliveryStatus(delivery);
            return (
              <tr
                class="clickable"
                key={delivery.id}
                data-delivery-id={delivery.id}
                onClick={(event) => {
                  // A link inside the row (the endpoint's) goes where it points.
                  if ((event.target as Element).closest('a, button')) return;
                  navigate(href(['deliveries', delivery.id]));
                }}
              >
                <td data-label="Created">
                  <a href={href(['deliveries', delivery.id])}>{formatTime(delivery.createdAt)}</a>
                </td>
                <td data-label="Event type">{delivery.eventType}</td>
                <td data-label="Endpoint">
                  {/* One box: on a phone the cell is a grid of its label and its content. */}
                  <div>
                    <EndpointName id={delivery.endpointId} endpoints={names.byId} deleted={names.deleted} />
                    <EndpointHold id={delivery.endpointId} endpoints={names.byId} status={delivery.status} />
                  </div>
                </td>
                <td data-label="Status">
                  <span class={`status ${status}`}>{status}</span>
                </td>
                <td data-label="Attempts">{delivery.attempts}</td>
                <td data-label="Last answer" class="last-answer">
                  {delivery.lastStatusCode ?? delivery.lastError ?? ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {page && rows.length === 0 && (
        <p class="muted" data-testid="no-deliveries">
          No delivery matches this search.
        </p>
      )}
      <nav class="pager" aria-label="Pages">
        {cursor !== undefined && (
          <a href={listHref(filter, newerCursor.get(cursor) || undefined, limit)} data-testid="newer">
            {newerCursor.has(cursor) ? '← Newer' : '← Newest'}
          </a>
        )}
        {page?.next && (
          <a
            href={listHref(filter, page.next, limit)}
            data-testid="older"
            onClick={() => newerCursor.set(page.next!, cursor ?? '')}
          >
            Older →
          </a>
        )}
      </nav>
      <UpdatedAt at={search.updatedAt} />
    </section>
  );
}

/** "1,234 deliveries", "1 delivery", "more than 10,000 deliveries". */
function totalText(page: DeliverySearchPage): string {
  const count = page.total.toLocaleString('en-US');
  if (!page.totalExact) return `More than ${count} deliveries`;
  return `${count} ${page.total === 1 ? 'delivery' : 'deliveries'}`;
}
