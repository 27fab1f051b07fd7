import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../outbox/outbox-store.js';
import { AttemptRecordBatcher } from './attempt-record.batcher.js';

const record = (deliveryId: string): AttemptRecord => ({
  deliveryId,
  lockToken: 'lease',
  attemptNumber: 1,
  startedAt: 0,
  durationMs: 1,
  outcome: 'succeeded',
  statusCode: 200,
  responseExcerpt: '',
  error: null,
  request: null,
  next: { status: 'succeeded' },
  now: 1,
});

describe('AttemptRecordBatcher', () => {
  it('writes the outcomes that finish in the same turn together, and those arriving during a write in the next one', async () => {
    const writes: string[][] = [];
    let release!: () => void;
    const firstWriteHeld = new Promise<void>((resolve) => (release = resolve));
    const batcher = new AttemptRecordBatcher(async (records) => {
      writes.push(records.map((r) => r.deliveryId));
      if (writes.length === 1) await firstWriteHeld;
      return records.map((r) => r.deliveryId !== 'd2');
    });

    const first = ['d1', 'd2', 'd3'].map((id) => batcher.record(record(id)));
    await new Promise((resolve) => setImmediate(resolve));
    const late = ['d4', 'd5'].map((id) => batcher.record(record(id)));
    release();

    expect(await Promise.all([...first, ...late])).toEqual([true, false, true, true, true]);
    expect(writes).toEqual([
      ['d1', 'd2', 'd3'],
      ['d4', 'd5'],
    ]);
  });

  it('fails only the outcomes of a write that failed; the next ones are written', async () => {
    let calls = 0;
    const batcher = new AttemptRecordBatcher(async (records) => {
      calls++;
      if (calls === 1) throw new Error('connection reset');
      return records.map(() => true);
    });
    const failed = batcher.record(record('d1'));
    await expect(failed).rejects.toThrow('connection reset');
    await expect(batcher.record(record('d2'))).resolves.toBe(true);
  });
});
