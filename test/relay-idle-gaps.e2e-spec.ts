import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const BACKLOG = 400;
const POLL_INTERVAL = 10_000;

/** The longest time between two consecutive requests the receiver saw, in ms. */
function longestGap(arrivals: readonly number[]): number {
  let longest = 0;
  for (let i = 1; i < arrivals.length; i++) longest = Math.max(longest, arrivals[i]! - arrivals[i - 1]!);
  return longest;
}

describe.each(DATABASE_KINDS)('a relay draining a backlog to one slow endpoint on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('never waits for the poll interval while deliveries are due and a slot is free', async () => {
    // One endpoint with two slots and far more deliveries than one round claims, so every claim finds the endpoint
    // at its share; a receiver answering at once, so its requests all finish while a round runs. Before the fix the
    // relay then slept a whole poll interval with hundreds due (gaps of ~1,007 ms in most runs with a 1 s interval).
    // A long interval, so that the bug's gap stands far above what a busy host's scheduling adds (~300 ms seen).
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false, pollInterval: POLL_INTERVAL, concurrency: 20, endpointConcurrency: 2 },
    }));
    await app.dataSource
      .getRepository(ShopOrder)
      .save(Array.from({ length: BACKLOG }, (_, n) => ({ customer: `C${n}`, total: n })));

    app.orchestrator.start();
    await context.receiver.waitForRequests(BACKLOG, 60_000);
    expect(longestGap(context.receiver.arrivedAt)).toBeLessThan(POLL_INTERVAL / 5);
  });
});
