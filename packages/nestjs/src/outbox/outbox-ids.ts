import { randomUUID } from 'node:crypto';

/**
 * A random identifier with a readable prefix, e.g. `msg_2c5ea4c0...`. The message id is the `webhook-id` that
 * receivers deduplicate on, so it is random and never reused.
 */
export function newOutboxId(prefix: 'msg' | 'dlv' | 'att' | 'lease' | 'ep'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}
