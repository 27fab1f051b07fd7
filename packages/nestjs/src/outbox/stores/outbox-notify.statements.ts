import type { DataSource, EntityManager } from 'typeorm';

/** The channel each instance announces its commits of events on (PostgreSQL), and relays LISTEN on. */
export const OUTBOX_CHANNEL = 'webhook_outbox';

/**
 * On PostgreSQL, tells every listening relay that there is new work: events committed, or deliveries made due without
 * an event (a retry asked for, an endpoint enabled, claims given back at shutdown), so relays that sleep until their
 * next known due time look now. Through a transaction's `EntityManager` it is delivered when that commits; through the DataSource, at once.
 * Other dialects' relays poll: nothing to send.
 */
export async function notifyRelays(on: DataSource | EntityManager): Promise<void> {
  const dataSource = 'manager' in on ? on : on.connection;
  if (dataSource.options.type !== 'postgres') return;
  await on.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
}
