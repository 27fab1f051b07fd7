import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseKeeper } from './lease-keeper.js';

const clock = { now: () => Date.now() };
const keepers: LeaseKeeper[] = [];

/** Keeps the event loop busy for `ms`, as a starved or saturated process is. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/**
 * A keeper whose renewals are recorded (with the lease each wrote, from when it was asked), fail while `down.value`
 * is true, and each take `slow.value` ms.
 */
function keeper(leaseDuration: number, down = { value: false }, slow = { value: 0 }) {
  const renewals: Array<{ lockTokens: string[]; lockedUntil: number; lease: number }> = [];
  const failures: string[] = [];
  const renew = async (claims: Array<{ deliveryId: string; lockToken: string }>, lockedUntil: number) => {
    const lease = lockedUntil - Date.now();
    if (down.value) throw new Error('database unreachable');
    if (slow.value > 0) await delay(slow.value);
    renewals.push({ lockTokens: [...new Set(claims.map((claim) => claim.lockToken))], lockedUntil, lease });
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

  it('writes leases of exactly relay.leaseDuration while its renewals come on time', async () => {
    const { kept, renewals } = keeper(300);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    await delay(350);
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    for (const { lease } of renewals) expect(lease).toBeLessThan(300 + 100);
  });

  it('stretches the lease by twice the delay beyond a tenth of a lease of a renewal whose timer fired late (a starved event loop)', async () => {
    const { kept, renewals } = keeper(300);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    await delay(50);
    blockEventLoop(200); // the renewal due 50 ms from now fires about 150 ms late
    await delay(20);
    expect(renewals.length).toBeGreaterThanOrEqual(1);
    expect(renewals[0]!.lease).toBeGreaterThanOrEqual(300 + 2 * (140 - 30));
    expect(kept.lease).toBeGreaterThanOrEqual(300 + 2 * (140 - 30));
  });

  it('stretches the lease by twice the time a renewal statement took (waiting for a lock)', async () => {
    const slow = { value: 150 };
    const { kept, renewals } = keeper(300, { value: false }, slow);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    await delay(100 + 150 + 20);
    slow.value = 0;
    await delay(100);
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    expect(renewals.at(-1)!.lease).toBeGreaterThanOrEqual(300 + 2 * (140 - 30));
  });

  it('stretches the lease to at most three leases, however long the delay', async () => {
    const { kept, renewals } = keeper(300);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    await delay(50);
    blockEventLoop(1_500);
    await delay(20);
    expect(renewals[0]!.lease).toBeLessThanOrEqual(900);
    expect(kept.lease).toBe(900);
  });

  it('shrinks the lease back to relay.leaseDuration once ten renewals in a row came on time', async () => {
    const { kept, renewals } = keeper(300);
    kept.hold('lease_a', 'dlv_1', Date.now() + 300);
    await delay(50);
    blockEventLoop(200);
    await delay(11 * 100 + 50);
    expect(renewals.length).toBeGreaterThanOrEqual(11);
    expect(kept.lease).toBeLessThan(300 + 100);
  });

  it('stretches its first claim by the event-loop delay measured since it started (a worker starting on a busy host)', async () => {
    const { kept } = keeper(300);
    await delay(50);
    blockEventLoop(200);
    await delay(50);
    expect(kept.lease).toBeGreaterThanOrEqual(300 + 2 * (150 - 30));
  });
});
