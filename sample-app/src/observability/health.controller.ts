import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { WebhookHealthIndicator } from '@webhook-outbox/nestjs';

/** `GET /health`: 200 while webhooks flow, 503 (with the reason) when the relay, the database or the backlog is not. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly webhooks: WebhookHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.webhooks.isHealthy('webhooks', { maxDueAge: 5 * 60_000 })]);
  }
}
