import type { Readable } from 'node:stream';

/**
 * Reads up to `limit` bytes, then stops reading and drops the connection rather than download the rest. Read with
 * listeners rather than an async iterator: at thousands of responses per second, the iterator's promises per chunk
 * were measurable.
 */
export function readExcerpt(stream: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, length).subarray(0, limit).toString('utf8'));
    };
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < limit) return;
      finish();
      stream.destroy();
    });
    stream.on('end', finish);
    stream.on('error', (error) => {
      done = true;
      reject(error);
    });
    // Closed before its end without an error: the connection went away under it.
    stream.on('close', () => {
      if (!done) reject(new Error('aborted: the response ended early'));
      done = true;
    });
  });
}
