import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readExcerpt } from './response-excerpt.js';

describe('readExcerpt', () => {
  it('reads a short body whole', async () => {
    expect(await readExcerpt(Readable.from([Buffer.from('{"ok":'), Buffer.from('true}')]), 64)).toBe('{"ok":true}');
  });

  it('stops at the limit and drops the rest of the stream', async () => {
    const stream = Readable.from(['x'.repeat(40), 'y'.repeat(40), 'z'.repeat(40)].map((part) => Buffer.from(part)));
    expect(await readExcerpt(stream, 50)).toBe(`${'x'.repeat(40)}${'y'.repeat(10)}`);
    expect(stream.destroyed).toBe(true);
  });

  it('reads an empty body as an empty excerpt', async () => {
    expect(await readExcerpt(Readable.from([]), 64)).toBe('');
  });

  it('fails with the stream’s error', async () => {
    const stream = new Readable({ read() {} });
    const excerpt = readExcerpt(stream, 64);
    stream.destroy(new Error('timed out after 150 ms'));
    await expect(excerpt).rejects.toThrow('timed out after 150 ms');
  });

  it('fails when the stream closes before its end', async () => {
    const stream = new Readable({ read() {} });
    const excerpt = readExcerpt(stream, 64);
    stream.push(Buffer.from('partial'));
    stream.destroy();
    await expect(excerpt).rejects.toThrow('the response ended early');
  });
});
