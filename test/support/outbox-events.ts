import { WebhookEventEntity } from '@webhook-outbox/nestjs';
import type { WebhookTestApp } from './webhook-test-app.js';

/** An event body as stored in the outbox (and sent). */
export interface EmittedEvent {
  type: string;
  sequence?: number;
  data: Record<string, any>;
  changes?: Record<string, { old: unknown; new: unknown }>;
}

/** The outbox's event bodies, in the order they were written (ids sort by creation within a process). */
export async function emittedEvents(app: WebhookTestApp): Promise<EmittedEvent[]> {
  const rows = await app.dataSource.getRepository(WebhookEventEntity).find({ order: { occurredAt: 'ASC', id: 'ASC' } });
  return rows.map((row) => JSON.parse(row.payload) as EmittedEvent);
}
