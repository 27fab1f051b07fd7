import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import { visible } from '../endpoints/endpoint-status.js';
import type { WebhookTenantScope } from '../endpoints/webhook-endpoint.types.js';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { readEndpointAttempts } from '../outbox/stores/endpoint-figures.statements.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { endpointFigures, type WebhookEndpointFigures } from './endpoint-figures.js';

/** The figures cover the last 24 hours unless told otherwise. */
const DEFAULT_WINDOW = 24 * 60 * 60 * 1000;

/** Deliveries read per endpoint at most: a busy endpoint's figures are of its latest ones (the window moves up). */
export const ENDPOINT_FIGURES_SAMPLE = 500;

/** Endpoints read at once: a few connections of the pool, not all of them. */
const CONCURRENCY = 4;

/**
 * Per-endpoint figures (success rate, p50/p95 latency, last success and failure) over a window, for every endpoint
 * visible in a scope. Each endpoint costs one bounded index read (its latest 500 changed deliveries and their
 * attempts), however long the log.
 */
@Injectable()
export class EndpointFigures {
  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly registry: EndpointRegistry,
  ) {}

  /**
   * The figures of each endpoint visible in `scope` (or of `endpointId` only: `WebhookEndpointNotFoundError` if it
   * is not visible there) since `since` (default: the last 24 hours), in the order of `WebhookEndpoints.list()`.
   */
  async read(
    scope: WebhookTenantScope = {},
    { endpointId, since }: { endpointId?: string; since?: number } = {},
  ): Promise<WebhookEndpointFigures[]> {
    const from = since ?? this.clock.now() - DEFAULT_WINDOW;
    await this.registry.refresh();
    const endpoints = this.registry.all().filter((endpoint) => visible(endpoint, scope));
    const ids = endpoints.map((endpoint) => endpoint.id).filter((id) => endpointId === undefined || id === endpointId);
    if (endpointId !== undefined && ids.length === 0) throw new WebhookEndpointNotFoundError(endpointId);
    const figures: WebhookEndpointFigures[] = [];
    for (let start = 0; start < ids.length; start += CONCURRENCY) {
      const batch = ids.slice(start, start + CONCURRENCY);
      const samples = await Promise.all(
        batch.map((id) => readEndpointAttempts(this.dataSource, id, from, ENDPOINT_FIGURES_SAMPLE)),
      );
      figures.push(...samples.map((sample, index) => endpointFigures(batch[index]!, sample)));
    }
    return figures;
  }
}
