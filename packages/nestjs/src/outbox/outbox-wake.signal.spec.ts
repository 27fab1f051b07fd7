import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { OutboxWakeSignal } from './outbox-wake.signal.js';

/**
 * A signal over a DataSource that records each statement sent and answers after `latency` ms, as a database would.
 * Only the notice's timing is under test here; the notice itself reaching a LISTEN connection is specified against
 * PostgreSQL in test/postgres-notify.e2e-spec.ts.
 */
function signal({ relay, type = 'postgres', latency = 5 }: { relay: boolean; type?: string; latency?: number }) {
  const sentAt: number[] = [];
  const dataSource = {
    options: { type },
    isInitialized: true,
    manager: {},
    query: async (sql: string) => {
      sentAt.push(Date.now());
      expect(sql).toContain("pg_notify('webhook_outbox'");
      await delay(latency);
      return [];
    },
  } as unknown as DataSource;
  const options = { relay: { enabled: relay } } as ResolvedWebhookOptions;
  return { wake: new OutboxWakeSignal(dataSource, options), sentAt, dataSource };
}

describe('OutboxWakeSignal', () => {
  it('wakes its own relay at every commit, before any notice to the others', () => {
    const { wake, sentAt } = signal({ relay: true });
    let woken = 0;
    wake.committed$.subscribe(() => woken++);
    wake.notifyCommitted();
    wake.notifyCommitted();
    expect(woken).toBe(2);
    expect(sentAt).toHaveLength(1);
  });

  it('without a relay of its own, sends a notice at once, and one more for every commit made while it is sent', async () => {
    const { wake, sentAt } = signal({ relay: false, latency: 20 });
    const started = Date.now();
    wake.notifyCommitted();
    for (let n = 0; n < 5; n++) wake.notifyCommitted();
    expect(sentAt).toEqual([expect.any(Number)]);
    expect(sentAt[0]! - started).toBeLessThan(20);
    await delay(60);
    // The five commits made during the first notice share the second, sent as soon as the first was answered.
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(19);
  });

  it('with a relay of its own, tells the others at most once per 10 ms, the first commit after a quiet spell at once', async () => {
    const { wake, sentAt } = signal({ relay: true, latency: 1 });
    const started = Date.now();
    let lastCommit = started;
    for (let n = 0; n < 30; n++) {
      lastCommit = Date.now();
      wake.notifyCommitted();
      await delay(2);
    }
    const elapsed = Date.now() - started;
    await delay(30);
    expect(sentAt[0]! - started).toBeLessThan(9);
    for (let n = 1; n < sentAt.length; n++) expect(sentAt[n]! - sentAt[n - 1]!).toBeGreaterThanOrEqual(9);
    // 30 commits 2 ms apart or more: about one notice per 10 ms of them, and the last commit announced too.
    expect(sentAt.length).toBeLessThanOrEqual(Math.floor(elapsed / 9) + 2);
    expect(sentAt.at(-1)!).toBeGreaterThanOrEqual(lastCommit);
  });

  it('sends a notice still waiting out its interval at shutdown, before the DataSource closes', async () => {
    const { wake, sentAt } = signal({ relay: true, latency: 1 });
    wake.notifyCommitted();
    await delay(3);
    wake.notifyCommitted(); // waits for the interval
    expect(sentAt).toHaveLength(1);
    await wake.onApplicationShutdown();
    expect(sentAt).toHaveLength(2);
  });

  it('sends nothing once the DataSource is closed, and nothing on MySQL or SQLite', async () => {
    const closed = signal({ relay: false });
    (closed.dataSource as { isInitialized: boolean }).isInitialized = false;
    closed.wake.notifyCommitted();
    for (const type of ['mysql', 'mariadb', 'better-sqlite3']) {
      const other = signal({ relay: false, type });
      other.wake.notifyCommitted();
      await other.wake.notifyDue();
      expect(other.sentAt).toEqual([]);
    }
    await delay(10);
    expect(closed.sentAt).toEqual([]);
  });

  it('reports a notice that fails as a warning and keeps announcing', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { wake, dataSource, sentAt } = signal({ relay: false });
    const query = dataSource.query.bind(dataSource);
    let fail = true;
    (dataSource as { query: unknown }).query = async (sql: string) => {
      if (fail) {
        fail = false;
        throw new Error('connection reset');
      }
      return query(sql);
    };
    await expect(wake.notifyDue()).resolves.toBeUndefined();
    wake.notifyCommitted();
    await delay(20);
    expect(sentAt).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection reset'), expect.anything());
    warn.mockRestore();
  });
});
