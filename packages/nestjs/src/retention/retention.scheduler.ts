import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { WebhookRetention } from './webhook-retention.service.js';

/**
 * Runs `WebhookRetention.prune()` every `retention.interval` while the application runs (unless
 * `retention.enabled` is false). The first run comes one interval after start, not at start, so a fleet restarting
 * together does not prune at once; a run still going when the next is due is not doubled.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    private readonly retention: WebhookRetention,
  ) {}

  onApplicationBootstrap(): void {
    const { enabled, interval } = this.options.retention;
    if (!enabled) return;
    this.timer = setInterval(() => this.runOnce(), interval);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): void {
    if (this.running) return;
    this.running = this.retention
      .prune()
      .then(() => undefined)
      // E.g. the database is restarting: nothing is lost by pruning later.
      .catch((error: Error) => this.logger.error(`Pruning failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }
}
