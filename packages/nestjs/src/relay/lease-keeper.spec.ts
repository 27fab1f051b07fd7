import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseKeeper } from './lease-keeper.js';

const clock = { now: () => Date.now() };
const keepers: LeaseKeeper[] = [];

/** A keeper whose renewals are recorded, and fail while `down.value` is true. */
function keeper(leaseDuration: number, down = { value: false }) {
  const renewals: Array<{ lockTokens: string[]; lockedUntil: number }> = [];
  const failures: string[] = [];
  const renew = async (claims: Array<{ deliveryId: string; lockToken: string }>, lockedUntil: number) => {
    if (down.value) throw new Error('database unreachable');
    renewals.push({ lockTokens: [...new Set(claims.map((claim) => claim.lockToken))], lockedUntil });
  };
  const kept = new LeaseKeeper(renew, clock, leaseDuration, (error) => failures.push(error.message));
  keepers.push(kept);
  return { kept, renewals, failures };
}

afterEach(() => {
  for (const kept of keepers.splice(0)) kept.stop();
});

describe('LeaseKeeper', () => {
  it('renews every claim it holds, each third of the lease, to a full lease from then', async () => {
    const { kept, renewals } = keeper(300);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    kept.hold('lease_b', 'dlv_2', Date.now() + 300);
    await delay(350);
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    expect(renewals[0]!.lockTokens.sort()).toEqual(['lease_a', 'lease_b']);
    expect(renewals.at(-1)!.lockedUntil).toBeGreaterThan(Date.now() + 150);
    expect(kept.holds('lease_a', Date.now())).toBe(true);
  });

  it('stops renewing a claim once all its deliveries are done, and altogether once nothing is held', async () => {
    const { kept, renewals } = keeper(300);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    kept.release('lease_a', 'dlv_1');
    await delay(250);
    expect(renewals).toEqual([]);
    expect(kept.holds('lease_a', Date.now())).toBe(false);
  });

  it('abandons the requests of a claim it cannot renew, a third of a lease before the claim lapses', async () => {
    const down = { value: true };
    const { kept, failures } = keeper(300, down);
    const claimedAt = Date.now();
    const signal = kept.hold('lease_a', 'dlv_1', claimedAt + 300);
    await delay(250);
    expect(signal.aborted).toBe(true);
    expect(Date.now() - claimedAt).toBeLessThan(300); // before the claim lapsed
    expect(String((signal.reason as Error).message)).toMatch(/could not be renewed/);
    expect(failures).toEqual(['database unreachable']); // once per streak, not per renewal
    expect(kept.holds('lease_a', Date.now())).toBe(false);
  });

  it('keeps a claim whose renewals succeed, however long its request runs', async () => {
    const { kept } = keeper(300);
    const signal = kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    await delay(700);
    expect(signal.aborted).toBe(false);
  });

  it('lets every request of a large claim listen to its abandon signal without a MaxListenersExceededWarning', async () => {
    const { kept } = keeper(3000);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const listeners = Array.from({ length: 64 }, (_, n) => {
        const signal = kept.hold('lease_big', `dlv_${n}`, Date.now() + 3000);
        const listener = () => undefined;
        signal.addEventListener('abort', listener);
        return { signal, listener };
      });
      await delay(10);
      expect(new Set(listeners.map(({ signal }) => signal)).size).toBe(1);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
