import { randomFillSync } from 'node:crypto';

let lastTime = 0;
let sequence = 0;

/** Random bytes drawn 4 KiB at a time: one call into the CSPRNG per 512 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex8(): string {
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + 8);
  poolOffset += 8;
  return hex;
}

/**
 * A unique identifier with a readable prefix, e.g. `msg_0194c3a1f2b80000a1b2c3d4e5f60718`: 12 hex digits of
 * milliseconds, a 4-digit sequence within the millisecond, then 64 random bits (the layout of a UUIDv7). Ids made
 * by one process sort in the order they were made, so events written in the same millisecond keep their order;
 * the random part keeps them unique across processes. The message id is the `webhook-id` receivers deduplicate
 * on, so it is never reused.
 */
export function newOutboxId(prefix: 'msg' | 'dlv' | 'att' | 'lease' | 'ep'): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    sequence = 0;
  } else if (++sequence > 0xffff) {
    // More than 65,536 ids in a millisecond (or the clock went back): borrow the next millisecond.
    lastTime += 1;
    sequence = 0;
  }
  return `${prefix}_${lastTime.toString(16).padStart(12, '0')}${sequence.toString(16).padStart(4, '0')}${randomHex8()}`;
}
