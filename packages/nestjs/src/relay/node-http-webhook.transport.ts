import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { type DestinationPolicy, WebhookDestinationError } from '../endpoints/destination-policy.js';
import { AbandonWatch, abandonedMessage } from './abandon-watch.js';
import { readExcerpt } from './response-excerpt.js';
import type {
  OutgoingWebhookRequest,
  WebhookTransport,
  WebhookTransportResponse,
} from '../options/webhook-transport.js';

/** Parsed request targets kept, by URL: a relay sends to a few endpoints many times. */
const TARGETS_KEPT = 1_000;

interface RequestTarget {
  secure: boolean;
  options: http.RequestOptions;
}

/**
 * A transport on Node's own `http`/`https` with keep-alive agents (`delivery.transport: 'node-http'`): the same
 * contract as the axios one (no redirects followed, every status a response, one deadline for the whole exchange,
 * sockets pinned to addresses the destination policy checked), without axios's per-request work. Faster when
 * requests are many and small.
 *
 * Its deadline is a timer that destroys the request, and the relay's abandon signal is watched once per signal,
 * rather than an AbortController per request handed to `http.request`. With the URL parsed once per endpoint and
 * the response read through listeners, that took the relay's CPU per delivery in the peer race's drain from about
 * 212 to 183 µs (`bench/probes/peer-drain.probe.ts`, medians of three runs each).
 */
export class NodeHttpWebhookTransport implements WebhookTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly targets = new Map<string, RequestTarget>();
  private readonly abandons = new AbandonWatch();

  constructor(destinations?: DestinationPolicy) {
    const lookup = destinations?.lookup;
    this.httpAgent = new http.Agent({ keepAlive: true, ...(lookup && { lookup }) });
    this.httpsAgent = new https.Agent({ keepAlive: true, ...(lookup && { lookup }) });
  }

  send(request: OutgoingWebhookRequest): Promise<WebhookTransportResponse> {
    if (request.signal?.aborted) return Promise.reject(new Error(abandonedMessage(request.signal.reason)));
    return new Promise<WebhookTransportResponse>((resolve, reject) => {
      const { secure, options } = this.targetOf(request.url);
      const headers =
        request.body === undefined
          ? request.headers
          : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
      // Why the exchange was ended early (deadline or abandon), which is what its failure then says.
      let ended: string | undefined;
      let response: http.IncomingMessage | undefined;
      const outgoing = (secure ? https : http).request({
        ...options,
        method: request.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
      });
      const end = (reason: string) => {
        if (ended !== undefined) return;
        ended = reason;
        const error = new Error(reason);
        response?.destroy(error);
        outgoing.destroy(error);
      };
      const timer = setTimeout(() => end(`timed out after ${request.timeout} ms`), request.timeout);
      // A pending deadline alone does not keep the process alive.
      timer.unref();
      const unwatch = this.abandons.watch(request.signal, (reason) => end(abandonedMessage(reason)));
      const fail = (error: unknown) => {
        clearTimeout(timer);
        unwatch();
        reject(this.describe(error, ended));
      };
      outgoing.on('response', (incoming) => {
        response = incoming;
        const retryAfter = incoming.headers['retry-after'];
        readExcerpt(incoming, request.responseExcerptBytes).then((bodyExcerpt) => {
          clearTimeout(timer);
          unwatch();
          resolve({
            status: incoming.statusCode ?? 0,
            bodyExcerpt,
            ...(typeof retryAfter === 'string' && { retryAfter }),
          });
        }, fail);
      });
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** The request options of a URL, parsed once per URL (the cache is emptied when full). */
  private targetOf(url: string): RequestTarget {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { secure: parsed.protocol === 'https:', options: urlToHttpOptions(parsed) };
      if (this.targets.size >= TARGETS_KEPT) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  private describe(error: unknown, ended: string | undefined): Error {
    if (ended !== undefined) return new Error(ended);
    if (error instanceof WebhookDestinationError) return new Error(error.message);
    const code = (error as NodeJS.ErrnoException)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return new Error(code && !message.startsWith(code) ? `${code}: ${message}` : message);
  }
}
