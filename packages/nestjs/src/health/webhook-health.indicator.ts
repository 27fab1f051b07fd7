import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { PostgresCommitListener } from '../outbox/postgres-commit.listener.js';
import { oldestDueLag, readBacklog } from '../outbox/stores/backlog.statements.js';
import { RelayOrchestrator } from '../relay/relay.orchestrator.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS } from '../webhook.tokens.js';

/** What `WebhookHealthIndicator.isHealthy()` checks against. */
export interface WebhookHealthOptions {
  /**
   * Down when the oldest due delivery has waited longer than this past its time, in ms.
   *
   * @defaultValue `300000` (5 minutes)
   */
  maxDueAge?: number;
  /**
   * Down when the database does not answer within this, in ms.
   *
   * @defaultValue `3000`
   */
  timeout?: number;
}

/** The facts behind the status, as Terminus shows them under the indicator's key. */
export interface WebhookHealthDetails {
  /** `down` when any of `reasons` holds: the relay enabled but stopped, no database answer, a due delivery too old. */
  status: 'up' | 'down';
  /** `running`, `stopped`, or `disabled` (`relay.enabled: false`: this instance only captures). */
  relay: 'running' | 'stopped' | 'disabled';
  /** `down` when the backlog query fails or does not answer within `timeout`. */
  database: 'up' | 'down';
  /** PostgreSQL's LISTEN connection (polling goes on without it, so it does not make the status down). */
  listener: 'connected' | 'disconnected' | 'not used';
  /** How long the oldest due delivery has waited past its time, in ms; `null` when the database is down. */
  oldestDueAge: number | null;
  /** Deliveries due now and not claimed. */
  due: number | null;
  /** Why the status is down. */
  reasons?: string[];
}

/**
 * A health indicator for `@nestjs/terminus` (an optional peer: this class does not import it; it returns the
 * result shape Terminus reads). Down when the relay is enabled but not running, when the database does not answer,
 * or when the oldest due delivery has waited past `maxDueAge`; up again as soon as none holds.
 *
 * @example
 * \@Get('health') \@HealthCheck()
 * check() { return this.health.check([() => this.webhooks.isHealthy('webhooks', { maxDueAge: 60_000 })]); }
 */
@Injectable()
export class WebhookHealthIndicator {
  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly orchestrator: RelayOrchestrator,
    private readonly listener: PostgresCommitListener,
  ) {}

  /**
   * A Terminus result under `key`: up, or down with the reason in its details.
   *
   * @param key - The name the result is reported under; the limits (`WebhookHealthOptions`) follow it.
   */
  async isHealthy(key = 'webhooks', { maxDueAge = 300_000, timeout = 3_000 }: WebhookHealthOptions = {}) {
    const reasons: string[] = [];
    const relay = !this.options.relay.enabled ? 'disabled' : this.orchestrator.isRunning ? 'running' : 'stopped';
    if (relay === 'stopped') reasons.push('the relay is not running');
    const listener =
      this.dataSource.options.type !== 'postgres' || !this.options.relay.enabled
        ? 'not used'
        : this.listener.listening
          ? 'connected'
          : 'disconnected';
    const now = this.clock.now();
    let backlog: Awaited<ReturnType<typeof readBacklog>> | undefined;
    try {
      backlog = await withTimeout(readBacklog(this.dataSource, now), timeout);
    } catch (error) {
      reasons.push(`the database does not answer: ${(error as Error).message}`);
    }
    const oldestDueAge = backlog ? oldestDueLag(backlog, now) : null;
    if (oldestDueAge !== null && oldestDueAge > maxDueAge) {
      reasons.push(`the oldest due delivery has waited ${oldestDueAge} ms (more than ${maxDueAge})`);
    }
    const details: WebhookHealthDetails = {
      status: reasons.length === 0 ? 'up' : 'down',
      relay,
      database: backlog ? 'up' : 'down',
      listener,
      oldestDueAge,
      due: backlog?.due ?? null,
      ...(reasons.length > 0 && { reasons }),
    };
    return { [key]: details } as Record<string, WebhookHealthDetails>;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
