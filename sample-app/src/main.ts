import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadSampleConfig } from './config/sample-config.js';

async function bootstrap(): Promise<void> {
  const config = loadSampleConfig();
  // rawBody: the ERP's webhook guard verifies the signature over the exact bytes received.
  const app = await NestFactory.create(AppModule.forConfig(config), { rawBody: true });
  // SIGINT/SIGTERM run the shutdown hooks: the relay stops claiming and finishes in-flight deliveries.
  app.enableShutdownHooks();
  await app.listen(config.port);
  const logger = new Logger('Shop');
  logger.log(`Listening on http://localhost:${config.port} (${config.databaseLabel})`);
  logger.log(`Try: curl -X POST localhost:${config.port}/orders -H 'content-type: application/json' -d '{"customer":"Ada","items":[{"sku":"A1","qty":2}],"total":42}'`);
  logger.log(`Then: curl localhost:${config.port}/erp/received`);
}

void bootstrap();
