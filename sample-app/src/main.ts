// First: telemetry must start before the HTTP platform is loaded.
import './observability/start-open-telemetry.js';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSampleConfig } from './config/sample-config.js';
import { createShopApp } from './shop-app.factory.js';

async function bootstrap(): Promise<void> {
  const config = loadSampleConfig();
  const app = await createShopApp(config);
  // SIGINT/SIGTERM run the shutdown hooks: the relay stops claiming and finishes in-flight deliveries.
  app.enableShutdownHooks();
  await app.listen(config.port);
  const logger = new Logger('Shop');
  logger.log(`Listening on http://localhost:${config.port} (${config.databaseLabel}, ${config.httpAdapter})`);
  logger.log(
    `Try: curl -X POST localhost:${config.port}/orders -H 'content-type: application/json' -d '{"customer":"Ada","items":[{"sku":"A1","qty":2}],"total":42}'`,
  );
  logger.log(`Then: curl localhost:${config.port}/erp/received`);
}

void bootstrap();
