import type { Readable } from 'node:stream';

/** Reads up to `limit` bytes, then stops reading and drops the connection rather than download the rest. */
export async function readExcerpt(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      length += buffer.length;
      if (length >= limit) break;
    }
  } finally {
    if (!stream.readableEnded) stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
