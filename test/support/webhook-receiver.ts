import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** One request as the receiver saw it, body byte for byte. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How to answer the n-th request (1-based). */
export type Responder = (
  request: ReceivedRequest,
  n: number,
) => { status: number; body?: string; delayMs?: number; headers?: Record<string, string> };

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers as told (200 by default).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** When each request arrived (performance.now(), ms), in order. */
  readonly arrivedAt: number[] = [];
  /** TCP connections accepted, requests or not. */
  connections = 0;
  private responder: Responder = () => ({ status: 200 });
  private readonly server: Server;
  private readonly arrivals = new EventEmitter();

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const request = {
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        this.arrivedAt.push(performance.now());
        this.arrivals.emit('request', request);
        const answer = this.responder(request, this.requests.length);
        if (answer.delayMs) await delay(answer.delayMs);
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    this.server.on('connection', () => this.connections++);
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Waits until at least `count` requests arrived; fails with what did arrive after `timeoutMs`. */
  async waitForRequests(count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`Expected ${count} request(s) within ${timeoutMs} ms, got ${this.requests.length}.`);
      }
      await delay(10);
    }
    return this.requests;
  }

  /** Resolves with the next request to arrive (for measuring latency without polling). */
  async nextRequest(): Promise<ReceivedRequest> {
    const [request] = (await once(this.arrivals, 'request')) as [ReceivedRequest];
    return request;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
