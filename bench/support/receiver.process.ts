/**
 * The benchmarks' webhook receiver, in a process of its own (as a real receiver is): a keep-alive HTTP server on
 * 127.0.0.1 answering 200, driven over IPC by `ReceiverProcess`. `RECEIVER_HANG_PATH`: requests to that path are
 * never answered (the sender's timeout ends them); `RECEIVER_UNCOUNTED_PATH`: requests to that path are answered but
 * not counted. It counts requests, notes when each answer of a window was given (throughput as the receiver sees
 * it, start-up excluded), and with `RECEIVER_ARRIVALS=1`
 * when each order's event (by `data.id`) first arrived, on the wall clock shared with the parent
 * (`performance.timeOrigin + now()`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceiverReply, ReceiverRequest } from './receiver-process.js';

const hangPath = process.env.RECEIVER_HANG_PATH;
const uncountedPath = process.env.RECEIVER_UNCOUNTED_PATH;
const recordArrivals = process.env.RECEIVER_ARRIVALS === '1';
let received = 0;
/** When each counted request of the current window was answered. */
let answeredAt: number[] = [];
const arrivals = new Map<number, number>();
let waiting: { count: number; id: number } | undefined;

const send = (reply: ReceiverReply) => process.send!(reply);

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => {
    if (recordArrivals) chunks.push(chunk);
  });
  request.on('end', () => {
    if (request.url === hangPath) return;
    if (recordArrivals) {
      const at = performance.timeOrigin + performance.now();
      const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { id: number } }).data.id;
      if (!arrivals.has(id)) arrivals.set(id, at);
    }
    response.writeHead(200, { 'content-length': '0' }).end();
    if (request.url === uncountedPath) return;
    received++;
    answeredAt.push(performance.timeOrigin + performance.now());
    if (waiting && received >= waiting.count) {
      send({ type: 'reached', id: waiting.id });
      waiting = undefined;
    }
  });
});

process.on('message', (message: ReceiverRequest) => {
  if (message.type === 'until') {
    if (received >= message.count) send({ type: 'reached', id: message.id });
    else waiting = { count: message.count, id: message.id };
  } else if (message.type === 'count') {
    send({ type: 'count', id: message.id, received });
  } else if (message.type === 'window') {
    // The window's first `count` answers: those after them (the sender goes on) are not part of the figure.
    const last = answeredAt[Math.min(message.count, answeredAt.length) - 1] ?? 0;
    send({ type: 'window', id: message.id, first: answeredAt[0] ?? 0, last });
    answeredAt = [];
  } else if (message.type === 'arrivals') {
    send({ type: 'arrivals', id: message.id, arrivals: [...arrivals] });
  }
});

server.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (server.address() as AddressInfo).port }));
