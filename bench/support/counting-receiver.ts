import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A keep-alive HTTP server on 127.0.0.1 that answers 200 to everything and only counts (no per-request memory). */
export class CountingReceiver {
  received = 0;
  private waiting?: { count: number; resolve: () => void };
  private constructor(private readonly server: Server) {}

  static async start(answer: (path: string) => number | 'hang' = () => 200): Promise<CountingReceiver> {
    let receiver!: CountingReceiver;
    const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
      request.resume();
      request.on('end', () => {
        const status = answer(request.url ?? '/');
        if (status === 'hang') return; // never answers: the sender's timeout ends it
        receiver.received++;
        if (receiver.waiting && receiver.received >= receiver.waiting.count) receiver.waiting.resolve();
        response.writeHead(status, { 'content-length': '0' }).end();
      });
    });
    receiver = new CountingReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests have been answered in all. */
  until(count: number): Promise<void> {
    if (this.received >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { count, resolve }));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
