import { abandonedMessage } from '../relay/abandon-watch.js';
import type {
  OutgoingWebhookRequest,
  WebhookTransport,
  WebhookTransportResponse,
} from '../options/webhook-transport.js';
import type { WebhookTestAnswerRecord } from './sent-webhook.js';

/**
 * What a test's endpoint answers: a status (default 200) with an optional body and `Retry-After`, or no response at
 * all (`error`, e.g. `'connect ECONNREFUSED'`); after `delay` real milliseconds (a delay past the request's timeout
 * times out, as a real endpoint would).
 */
export type WebhookTestAnswer =
  | { status?: number; body?: string; retryAfter?: string; delay?: number }
  | { error: string; delay?: number };

/**
 * How an endpoint answers: the same answer every time; a list answered in turn, its last answer repeated; or a
 * function of the request and its attempt number.
 */
export type WebhookTestResponder =
  | WebhookTestAnswer
  | readonly WebhookTestAnswer[]
  | ((request: OutgoingWebhookRequest, attemptNumber: number) => WebhookTestAnswer | Promise<WebhookTestAnswer>);

/** One request as the relay handed it over, and what it was answered. */
export interface RecordedRequest {
  /** The request exactly as the relay built and signed it. */
  request: OutgoingWebhookRequest;
  /** What the endpoint answered, or the error given instead of a response. */
  answer: WebhookTestAnswerRecord;
}

/** Which endpoint a request goes to, and which attempt of its delivery it is. */
export interface AttemptIdentity {
  /** The endpoint's id. */
  endpointId: string;
  /** 1 for the first attempt of its delivery, 2 for the first retry, ... */
  attemptNumber: number;
}

const OK: WebhookTestAnswer = { status: 200 };

/**
 * A `WebhookTransport` that sends nothing over the network: it records each request exactly as built and signed,
 * and answers what the test set for its endpoint. `attemptOf` says which endpoint and attempt a request is.
 */
export class InMemoryWebhookTransport<Facts extends AttemptIdentity = AttemptIdentity> implements WebhookTransport {
  private readonly responders = new Map<string | undefined, WebhookTestResponder>();
  private readonly turns = new Map<string | undefined, number>();

  constructor(
    private readonly attemptOf: (request: OutgoingWebhookRequest) => Facts,
    private readonly record: (recorded: RecordedRequest, facts: Facts) => void,
  ) {}

  /** Sets how `endpointId` answers from now on (every endpoint without one of its own when `undefined`). */
  respond(endpointId: string | undefined, responder: WebhookTestResponder): void {
    if (Array.isArray(responder) && responder.length === 0)
      throw new RangeError('respond() needs at least one answer.');
    this.responders.set(endpointId, responder);
    this.turns.set(endpointId, 0);
  }

  /** Forgets every answer set: each endpoint answers 200 again. */
  reset(): void {
    this.responders.clear();
    this.turns.clear();
  }

  /** Records the request and answers as its endpoint was told to (200 by default). */
  async send(request: OutgoingWebhookRequest): Promise<WebhookTransportResponse> {
    const facts = this.attemptOf(request);
    const answer = await this.answerFor(facts.endpointId, request, facts.attemptNumber);
    const recorded = (outcome: WebhookTestAnswerRecord) => this.record({ request, answer: outcome }, facts);
    try {
      await waitFor(answer.delay ?? 0, request);
    } catch (error) {
      recorded({ error: (error as Error).message });
      throw error;
    }
    if ('error' in answer) {
      recorded({ error: answer.error });
      throw new Error(answer.error);
    }
    const status = answer.status ?? 200;
    const body = answer.body ?? '';
    recorded({ status, body });
    return {
      status,
      bodyExcerpt: body.slice(0, request.responseExcerptBytes),
      ...(answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter }),
    };
  }

  private async answerFor(
    endpointId: string,
    request: OutgoingWebhookRequest,
    attemptNumber: number,
  ): Promise<WebhookTestAnswer> {
    const key = this.responders.has(endpointId) ? endpointId : undefined;
    const responder = this.responders.get(key) ?? OK;
    if (typeof responder === 'function') return responder(request, attemptNumber);
    if (!Array.isArray(responder)) return responder as WebhookTestAnswer;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return responder[Math.min(turn, responder.length - 1)]!;
  }
}

/** Waits `ms` real milliseconds as a request in flight would: cut short by the request's timeout or its abandonment. */
function waitFor(ms: number, request: OutgoingWebhookRequest): Promise<void> {
  if (request.signal?.aborted) return Promise.reject(new Error(abandonedMessage(request.signal.reason)));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new Error(abandonedMessage(request.signal?.reason)));
    const timer =
      ms > request.timeout
        ? setTimeout(() => finish(new Error(`timed out after ${request.timeout} ms`)), request.timeout)
        : setTimeout(() => finish(), ms);
    request.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
