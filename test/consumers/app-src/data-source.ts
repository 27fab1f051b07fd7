import { webhookOutboxEntities, webhookOutboxMigrations } from '@webhook-outbox/nestjs';
import { DataSource } from 'typeorm';
import { Order } from './order.entity.js';

/** The application's DataSource for the TypeORM and webhook-outbox command-line tools, as the README shows it. */
export default new DataSource({
  ...JSON.parse(process.env.DATABASE_OPTIONS ?? '{}'),
  entities: [Order, ...webhookOutboxEntities],
  migrations: [...webhookOutboxMigrations],
});
