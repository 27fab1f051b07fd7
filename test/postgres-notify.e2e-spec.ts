import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';
import { until } from './support/until.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

/** The test database's connection, for a client of the test's own. */
const pgOptions = (database: TestDatabase) => {
  const {
    host,
    port,
    username,
    database: name,
  } = database.options as { host: string; port: number; username: string; database: string };
  return { host, port, user: username, database: name };
};
/** Long enough that polling cannot explain a delivery within the test. */
const POLL = 60_000;

describe.skipIf(!DATABASE_KINDS.includes('postgres'))('wake-ups across instances on postgres (LISTEN/NOTIFY)', () => {
  const context = useWebhookTestContext('postgres');
  const receiver = () => context.receiver;

  /** A producer with no relay, and a relay instance that would otherwise only poll once a minute. */
  async function twoInstances() {
    const relaying = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { pollInterval: POLL } }));
    const producing = await context.startAnother((url) => ({
      endpoints: [{ url, secret }],
      relay: { enabled: false },
    }));
    // The relay's first rounds (at start-up) are over before anything is committed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { relaying, producing };
  }

  it('delivers at once an event another instance committed: the commit notifies every listening relay', async () => {
    const { producing } = await twoInstances();
    const started = Date.now();
    await producing.dataSource.getRepository(ShopOrder).save({ customer: 'from the other instance', total: 1 });
    const [request] = await receiver().waitForRequests(1, 5_000);
    expect(JSON.parse(request!.body).data.customer).toBe('from the other instance');
    expect(Date.now() - started).toBeLessThan(POLL);
  });

  it('notifies once per committed transaction, and never for a rolled-back one', async () => {
    const { producing } = await twoInstances();
    const listener = new pg.Client(pgOptions(context.database));
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (message) => notified.push(message.channel));
    await listener.query('LISTEN webhook_outbox');
    try {
      await expect(
        producing.dataSource.transaction(async (manager) => {
          await manager.save(ShopOrder, { customer: 'rolled back', total: 1 });
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notified).toEqual([]);

      // Three events in one transaction: one notification, at its commit.
      await producing.dataSource.transaction((manager) =>
        manager.save(
          ShopOrder,
          [1, 2, 3].map((n) => ({ customer: `C${n}`, total: n })),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notified).toEqual(['webhook_outbox']);
    } finally {
      await listener.end();
    }
  });

  it('announces a burst of commits with a few notices, the last of them after the last commit', async () => {
    const { producing } = await twoInstances();
    const listener = new pg.Client(pgOptions(context.database));
    await listener.connect();
    const notifiedAt: number[] = [];
    listener.on('notification', () => notifiedAt.push(Date.now()));
    await listener.query('LISTEN webhook_outbox');
    try {
      const orders = producing.dataSource.getRepository(ShopOrder);
      // 8 writers at once, 20 commits each: a notice per commit would make PostgreSQL commit them one at a time.
      await Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          for (let n = 0; n < 20; n++) await orders.save({ customer: `W${writer}-${n}`, total: n });
        }),
      );
      const lastCommit = Date.now();
      await until(() => notifiedAt.some((at) => at >= lastCommit), 2_000);
      expect(notifiedAt.length).toBeGreaterThan(0);
      expect(notifiedAt.length).toBeLessThan(160);
      // Nothing is left to announce: the receiver has every event, the last ones included.
      await receiver().waitForRequests(160, 10_000);
    } finally {
      await listener.end();
    }
  });

  it('listens again after its connection is cut (a database restart), and catches up on what was committed meanwhile', async () => {
    const { producing, relaying } = await twoInstances();
    const cut: unknown[] = await producing.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN webhook_outbox'`,
    );
    expect(cut).toHaveLength(1);
    // Nest's Logger is process-wide: with two applications in one process, the last one created receives the logs.
    const warnings = () => [...relaying.warnings, ...producing.warnings];
    await until(() => warnings().some((warning) => warning.includes('Lost the LISTEN connection')), 5_000);
    await producing.dataSource.getRepository(ShopOrder).save({ customer: 'while cut', total: 1 });
    // The listener reconnects (after half a second), then looks for what it missed.
    const [request] = await receiver().waitForRequests(1, 10_000);
    expect(JSON.parse(request!.body).data.customer).toBe('while cut');
    expect(warnings().filter((warning) => warning.includes('Lost the LISTEN connection'))).toHaveLength(1);

    await producing.dataSource.getRepository(ShopOrder).save({ customer: 'after reconnecting', total: 2 });
    await receiver().waitForRequests(2, 5_000);
    expect(JSON.parse(receiver().requests[1]!.body).data.customer).toBe('after reconnecting');
  });
});
