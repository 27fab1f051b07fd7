import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { applyWebhookBodyLimits, PlatformClientErrorsFilter } from '@webhook-outbox/nestjs';
import { AppModule } from './app.module.js';
import type { SampleConfig } from './config/sample-config.js';
import { ensureMetrics } from './observability/open-telemetry.setup.js';

/**
 * The shop on the HTTP platform its configuration names (HTTP_ADAPTER): Express, Nest's default, or Fastify. The
 * webhook parts are the same on both; `rawBody` keeps the exact bytes the ERP's guard verifies.
 */
export async function createShopApp(
  config: SampleConfig,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  ensureMetrics();
  const settings = { ...options, rawBody: true };
  const module = AppModule.forConfig(config);
  // Fastify's body limit is fixed with its adapter: twice the ERP receiver's maxBodySize (1 MiB), so a webhook
  // somewhat too large is still read and refused by the guard, with a refusal event. ignoreTrailingSlash: the
  // dashboard answers at /admin/webhooks/ui/ as on Express (Fastify treats /ui and /ui/ as two routes).
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create(
          module,
          new FastifyAdapter({ bodyLimit: 2 * 1024 * 1024, routerOptions: { ignoreTrailingSlash: true } }),
          settings,
        )
      : await NestFactory.create(module, settings);
  // Express parses JSON up to 100 kB by default, before any guard: fit it to the receivers' maxBodySize.
  applyWebhookBodyLimits(app);
  // The platform's own refusals (too large even so, a body cut short) are answered without an ERROR log.
  app.useGlobalFilters(new PlatformClientErrorsFilter(app.getHttpAdapter()));
  return app;
}
