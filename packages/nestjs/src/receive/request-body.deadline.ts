import { Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The body of the 408: generic, like every refusal of the receiving side. */
const TOO_SLOW = JSON.stringify({ statusCode: 408, message: 'Request body did not arrive in time.' });

/** One deadline per server, however often `applyWebhookBodyLimits` is called. */
const deadlines = new WeakMap<Server, RequestBodyDeadline>();

/** A request that announces a body (a length above 0, or chunks). */
function announcesBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Answers 408 and closes the connection when a request's body is still arriving `timeoutMs` after its head,
 * whoever reads it: Express's body parsers and Fastify read bodies before any guard runs, so only the server sees
 * them all. Without it a sender trickling bytes holds a connection until Node's `requestTimeout` (300 s, checked
 * every 30 s). A body that arrived whole is never touched, however long its handler then takes.
 */
export class RequestBodyDeadline {
  private readonly logger = new Logger(RequestBodyDeadline.name);

  private constructor(private timeoutMs: number) {}

  /** Watches every request of `server` with `timeoutMs`; a second call only changes the deadline. */
  static watch(server: Server, timeoutMs: number): RequestBodyDeadline {
    let deadline = deadlines.get(server);
    if (deadline) deadline.timeoutMs = timeoutMs;
    else {
      deadline = new RequestBodyDeadline(timeoutMs);
      deadlines.set(server, deadline);
      server.on('request', (request: IncomingMessage, response: ServerResponse) => deadline!.arm(request, response));
    }
    return deadline;
  }

  private arm(request: IncomingMessage, response: ServerResponse): void {
    if (!announcesBody(request)) return;
    const timeoutMs = this.timeoutMs;
    const timer = setTimeout(() => this.expire(request, response, timeoutMs), timeoutMs);
    response.once('close', () => clearTimeout(timer));
  }

  private expire(request: IncomingMessage, response: ServerResponse, timeoutMs: number): void {
    if (request.complete || response.headersSent) return;
    const path = (request.url ?? '').split('?', 1)[0];
    this.logger.warn(
      `Answered 408 to ${request.method} ${path}: its body was still arriving ${timeoutMs} ms after its head ` +
        '(bodyTimeout); the connection is closed. Raise the receiver bodyTimeout if such a sender is legitimate.',
    );
    // `connection: close` makes Node end the socket once this is written, so the trickle stops there.
    response.writeHead(408, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(TOO_SLOW),
      connection: 'close',
    });
    response.end(TOO_SLOW);
  }
}
