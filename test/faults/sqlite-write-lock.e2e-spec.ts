import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from '../support/shop-order.entity.js';
import { useWebhookTestContext } from '../support/webhook-test-context.js';

const secret = generateWebhookSecret();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HELD = 1_000;

/** Another process that takes SQLite's write lock on `file`, says so, and keeps it `ms` before committing. */
async function holdWriteLock(file: string, ms: number): Promise<{ released: Promise<unknown> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
       db.prepare('BEGIN IMMEDIATE').run();
       process.stdout.write('locked\\n');
       setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, ${ms});`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const released = once(child, 'exit');
  await once(child.stdout!, 'data');
  return { released };
}

describe('a relay on SQLite while another process holds the write lock', () => {
  const context = useWebhookTestContext('sqlite');

  it('keeps its event loop turning while it waits for the lock, then delivers', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    const { released } = await holdWriteLock(String(context.database.options.database), HELD);

    // A renewal timer, a response, an outcome: anything of this process must still get its turn meanwhile.
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    try {
      await app.relay.runOnce();
    } finally {
      clearInterval(ticker);
    }
    await released;

    expect(performance.now() - started).toBeGreaterThanOrEqual(HELD - 100); // it did wait for the lock
    expect(longestGap).toBeLessThan(200);
    expect(context.receiver.requests).toHaveLength(1);
  });
});
