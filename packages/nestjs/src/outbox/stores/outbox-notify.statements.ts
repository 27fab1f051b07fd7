import type { DataSource, EntityManager } from 'typeorm';

/** The channel each instance announces its commits of events on (PostgreSQL), and relays LISTEN on. */
export const OUTBOX_CHANNEL = 'webhook_outbox';

/**
 * On PostgreSQL, tells every listening relay that there is new work: events committed, or deliveries made due without
 * an event (a retry asked for, an endpoint enabled, claims given back at shutdown), so relays that sleep until their
 * next known due time look now. Through a transaction's `EntityManager` it is delivered when that commits. Through
 * the DataSource it is a transaction of its own, committed without waiting for the disk: a notice needs no
 * durability, and waiting would add a flush to every one (half the commits of a single writer announcing each of
 * its own). Other dialects' relays poll: nothing to send.
 */
export async function notifyRelays(on: DataSource | EntityManager): Promise<void> {
  const inTransaction = !('manager' in on);
  const dataSource = inTransaction ? on.connection : on;
  if (dataSource.options.type !== 'postgres') return;
  await on.query(
    inTransaction
      ? `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`
      : `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${OUTBOX_CHANNEL}', '')`,
  );
}
