/**
 * The benchmarks' webhook receiver, in a process of its own (as a real receiver is): a keep-alive HTTP server on
 * 127.0.0.1 answering 200, driven over IPC by `ReceiverProcess`. `RECEIVER_HANG_PATH`: requests to that path are
 * never answered (the sender's timeout ends them). It counts requests, notes when the first and the latest of a
 * window were answered (throughput as the receiver sees it, start-up excluded), and with `RECEIVER_ARRIVALS=1`
 * when each order's event (by `data.id`) first arrived, on the wall clock shared with the parent
 * (`performance.timeOrigin + now()`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceiverReply, ReceiverRequest } from './receiver-process.js';

const hangPath = process.env.RECEIVER_HANG_PATH;
const recordArrivals = process.env.RECEIVER_ARRIVALS === '1';
let received = 0;
/** When the first and the latest request of the current window were answered. */
let window: { first: number; last: number } | undefined;
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
    received++;
    const now = performance.timeOrigin + performance.now();
    window = { first: window?.first ?? now, last: now };
    response.writeHead(200, { 'content-length': '0' }).end();
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
    send({ type: 'window', id: message.id, first: window?.first ?? 0, last: window?.last ?? 0 });
    window = undefined;
  } else if (message.type === 'arrivals') {
    send({ type: 'arrivals', id: message.id, arrivals: [...arrivals] });
  }
});

server.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (server.address() as AddressInfo).port }));
