import { Controller, Get, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { WebhookHealthIndicator } from '@webhook-outbox/nestjs';

/** A Terminus health endpoint as an application would write it: `GET /health`, the webhooks checked within 5 min. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly webhooks: WebhookHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.webhooks.isHealthy('webhooks', { maxDueAge: 300_000, timeout: 1_000 })]);
  }
}

@Module({ imports: [TerminusModule], controllers: [HealthController] })
export class HealthCheckModule {}
