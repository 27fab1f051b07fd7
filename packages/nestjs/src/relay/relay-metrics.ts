import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import { endpointStateAt } from '../endpoints/endpoint-status.js';
import {
  type OutboxBacklog,
  oldestDueLag,
  readBacklog,
  readEndpointStates,
} from '../outbox/stores/backlog.statements.js';
import { INSTRUMENTATION_SCOPE, loadOpenTelemetry } from '../telemetry/open-telemetry.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';

/** The HTTP semantic conventions' duration buckets, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Commit to first attempt: milliseconds when all is well, minutes or hours behind an outage. */
const LAG_BUCKETS = [...DURATION_BUCKETS, 30, 60, 300, 900, 3600, 14_400];

/** The gauges read from the backlog, each with how it reads its value. */
const BACKLOG_GAUGES: Array<{
  name: string;
  description: string;
  unit: string;
  read: (backlog: OutboxBacklog, now: number) => number;
}> = [
  {
    name: 'webhook.events.unfanned',
    description: 'Events committed and not fanned out yet.',
    unit: '{event}',
    read: (backlog) => backlog.unfannedEvents,
  },
  {
    name: 'webhook.deliveries.pending',
    description: 'Deliveries waiting for their first attempt or a retry.',
    unit: '{delivery}',
    read: (backlog) => backlog.pending,
  },
  {
    name: 'webhook.deliveries.due',
    description: 'Pending deliveries due now and not claimed by a worker.',
    unit: '{delivery}',
    read: (backlog) => backlog.due,
  },
  {
    name: 'webhook.deliveries.oldest_due.age',
    description: 'How long the oldest due delivery has waited past its time (0 when none is due).',
    unit: 's',
    read: (backlog, now) => oldestDueLag(backlog, now) / 1000,
  },
];

/** What one attempt adds to the metrics. */
export interface AttemptMeasure {
  endpointId: string;
  outcome: 'succeeded' | 'failed';
  errorType: string | null;
  durationMs: number;
  attemptNumber: number;
  /** When the event was captured, for the commit → first attempt lag. */
  occurredAt: number | null;
  startedAt: number;
}

/**
 * The relay's metrics through the OpenTelemetry metrics API (an optional peer: without it nothing is recorded or
 * queried): attempts by endpoint and outcome, attempt duration, the lag from commit to first attempt, and gauges of
 * the backlog and of each endpoint's state, read from the indexed hot rows when a reader collects them. Names and
 * attributes are listed in the README ("Operating it").
 */
@Injectable()
export class RelayMetrics implements OnModuleInit {
  private readonly logger = new Logger(RelayMetrics.name);
  private attempts?: Counter;
  private duration?: Histogram;
  private lag?: Histogram;
  private collectFailing = false;

  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly endpoints: EndpointRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    const otel = await loadOpenTelemetry();
    if (!otel) return;
    const meter = otel.metrics.getMeter(INSTRUMENTATION_SCOPE);
    this.attempts = meter.createCounter('webhook.attempts', {
      description: 'Delivery attempts, by endpoint and outcome.',
      unit: '{attempt}',
    });
    this.duration = meter.createHistogram('webhook.attempt.duration', {
      description: 'Duration of delivery attempts: connect, request and response.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.lag = meter.createHistogram('webhook.delivery.lag', {
      description: "From the event's commit to the start of its first attempt to an endpoint.",
      unit: 's',
      advice: { explicitBucketBoundaries: LAG_BUCKETS },
    });
    const backlogGauges = BACKLOG_GAUGES.map(({ name, description, unit, read }) => ({
      gauge: meter.createObservableGauge(name, { description, unit }),
      read,
    }));
    const state = meter.createObservableGauge('webhook.endpoint.state', {
      description:
        "Each endpoint's state: 1 for the state it is in (active, failing, paused or disabled), 0 for the others.",
      unit: '{endpoint}',
    });
    meter.addBatchObservableCallback(
      async (observe) => {
        const now = this.clock.now();
        try {
          const [backlog, states] = await Promise.all([
            readBacklog(this.dataSource, now),
            readEndpointStates(this.dataSource),
          ]);
          for (const { gauge, read } of backlogGauges) observe.observe(gauge, read(backlog, now));
          const byId = new Map(states.map((row) => [row.endpointId, row]));
          for (const endpoint of this.endpoints.all()) {
            const current = endpointStateAt(byId.get(endpoint.id), now);
            for (const name of ['active', 'failing', 'paused', 'disabled']) {
              observe.observe(state, name === current ? 1 : 0, {
                'messaging.destination.name': endpoint.id,
                'webhook.endpoint.state': name,
              });
            }
          }
          if (this.collectFailing) this.logger.log('Reading the backlog for metrics works again.');
          this.collectFailing = false;
        } catch (error) {
          // The database is away: the gauges go without a value this time (the health indicator says why).
          if (!this.collectFailing)
            this.logger.warn(`Cannot read the backlog for metrics: ${(error as Error).message}`, {
              error: (error as Error).message,
            });
          this.collectFailing = true;
        }
      },
      [...backlogGauges.map(({ gauge }) => gauge), state],
    );
  }

  /** Records one attempt. */
  attempt(measure: AttemptMeasure): void {
    if (!this.attempts) return;
    const attributes: Attributes = {
      'messaging.destination.name': measure.endpointId,
      'webhook.outcome': measure.outcome,
      ...(measure.errorType !== null && { 'error.type': measure.errorType }),
    };
    this.attempts.add(1, attributes);
    this.duration!.record(measure.durationMs / 1000, attributes);
    if (measure.attemptNumber === 1 && measure.occurredAt !== null) {
      const seconds = Math.max(0, measure.startedAt - measure.occurredAt) / 1000;
      this.lag!.record(seconds, { 'messaging.destination.name': measure.endpointId });
    }
  }
}
