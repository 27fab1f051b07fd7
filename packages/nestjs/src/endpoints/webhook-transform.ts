import { compile } from '@jmespath-community/jmespath';
import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import type { DeliveryRequestChanges } from '../outbox/outbox-store.js';
import { HEADER_NAME, RESERVED_HEADERS } from './request-headers.js';
import type { SandboxResult } from './transform-sandbox.js';
import type {
  CompiledWebhookTransform,
  WebhookEventBody,
  WebhookTransformFunction,
} from '../options/webhook-transform.types.js';

/** A stored expression is written by a tenant over HTTP: bounded, like filters. */
const MAX_EXPRESSION = 10_000;
/** A transformed body may not grow an event beyond what a receiver would reasonably take. */
export const MAX_TRANSFORMED_BODY = 256 * 1024;
/**
 * A transformation that takes longer than this fails its delivery (it runs during fan-out): a stored one is stopped
 * when it reaches it, a function from options is judged when it returns.
 */
export const TRANSFORM_TIME_LIMIT_MS = 50;

const RESULT_FIELDS = new Set(['body', 'method', 'headers']);

/** What a transformation came to for one event and endpoint. */
export type TransformOutcome =
  | { kind: 'drop' }
  | {
      kind: 'send';
      /** The new body as JSON, or `null` to send the event's own. */
      payload: string | null;
      /** The request changes as stored on the delivery (JSON), or `null`. */
      request: string | null;
    }
  /** The transformation failed: its delivery is made, and fails untried with this reason (visible in the log). */
  | { kind: 'error'; request: string; message: string };

/** What is wrong with a stored transformation (a JMESPath expression), each mistake named; empty when sound. */
export function checkTransformExpression(expression: unknown, field = 'transform'): WebhookFieldError[] {
  if (typeof expression !== 'string' || expression.trim() === '')
    return [{ field, message: 'must be a JMESPath expression, e.g. "{ body: { text: data.status } }".' }];
  if (expression.length > MAX_EXPRESSION)
    return [{ field, message: `is ${expression.length} characters; at most ${MAX_EXPRESSION}.` }];
  try {
    compile(expression);
    return [];
  } catch (error) {
    return [{ field, message: `is not a valid JMESPath expression: ${(error as Error).message}` }];
  }
}

/**
 * An endpoint's transformation, ready to run: a function from options runs in process (`applyTransform`); a stored
 * expression (checked when it was written) runs in the transformation sandbox (`TransformSandbox`), where it is
 * parsed, so that no stored text is evaluated on the event loop.
 */
export function compileTransform(transform: string | WebhookTransformFunction): CompiledWebhookTransform {
  if (typeof transform === 'function')
    return { kind: 'function', source: '(function)', run: (event) => transform(event) };
  return { kind: 'expression', source: transform };
}

const fail = (message: string): TransformOutcome => ({
  kind: 'error',
  message,
  request: JSON.stringify({ error: message }),
});

/** Why `result` is not a transformation result, or `null`. */
function resultError(result: unknown): string | null {
  if (typeof result !== 'object' || Array.isArray(result))
    return 'must give { body?, method?, headers? }, or null to drop the event';
  const fields = result as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !RESULT_FIELDS.has(key));
  if (unknown.length > 0) return `gave ${unknown.join(', ')}; it may give only body, method and headers`;
  if (fields.method !== undefined && fields.method !== 'POST' && fields.method !== 'GET')
    return `gave method ${JSON.stringify(fields.method)}; use "POST" or "GET"`;
  if (fields.headers !== undefined) {
    if (typeof fields.headers !== 'object' || fields.headers === null || Array.isArray(fields.headers))
      return 'gave headers that are not an object of names to strings';
    for (const [name, value] of Object.entries(fields.headers)) {
      if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase()))
        return `gave the header "${name}", which it may not set`;
      if (typeof value !== 'string' || /[\r\n\0]/.test(value))
        return `gave the header "${name}" a value that is not a string without line breaks`;
    }
  }
  return null;
}

/**
 * Runs the transformation of an endpoint in options (the application's own function) on one event's stored body.
 * Never throws: what the function throws, a result of the wrong shape, one too large or too slow, is an `error`
 * outcome, so one bad event fails its own delivery, visibly, and the rest of the fan-out goes on. The time limit is
 * checked once the function has returned: it is the application's code, trusted not to hang.
 */
export function applyTransform(
  transform: Extract<CompiledWebhookTransform, { kind: 'function' }>,
  payload: string,
): TransformOutcome {
  const started = performance.now();
  let result: unknown;
  try {
    result = transform.run(JSON.parse(payload) as WebhookEventBody);
  } catch (error) {
    return fail(`the transformation threw: ${(error as Error)?.message ?? String(error)}`);
  }
  const elapsed = performance.now() - started;
  if (elapsed > TRANSFORM_TIME_LIMIT_MS)
    return fail(`the transformation took ${Math.round(elapsed)} ms; at most ${TRANSFORM_TIME_LIMIT_MS} ms`);
  return outcomeOf(result);
}

/** The outcome of a stored transformation from what the sandbox answered for it (see `TransformSandbox.run`). */
export function sandboxedOutcome(result: SandboxResult): TransformOutcome {
  if ('error' in result) return fail(`the transformation ${result.error}`);
  return result.json === null ? { kind: 'drop' } : outcomeOf(JSON.parse(result.json));
}

/** What a transformation's result comes to: dropped, sent changed, or failed for its shape or size. */
function outcomeOf(result: unknown): TransformOutcome {
  if (result === null || result === undefined || result === false) return { kind: 'drop' };
  const wrong = resultError(result);
  if (wrong !== null) return fail(`the transformation ${wrong}`);
  const { body, method, headers } = result as {
    body?: unknown;
    method?: 'POST' | 'GET';
    headers?: Record<string, string>;
  };
  let newPayload: string | null = null;
  if (body !== undefined) {
    try {
      newPayload = JSON.stringify(body);
    } catch (error) {
      return fail(`the transformation gave a body that is not JSON: ${(error as Error).message}`);
    }
    if (newPayload === undefined) return fail('the transformation gave a body that is not JSON');
    if (Buffer.byteLength(newPayload) > MAX_TRANSFORMED_BODY)
      return fail(
        `the transformation gave a body of ${Buffer.byteLength(newPayload)} bytes; at most ${MAX_TRANSFORMED_BODY}`,
      );
  }
  const changes: DeliveryRequestChanges = { ...(method && { method }), ...(headers && { headers: { ...headers } }) };
  return {
    kind: 'send',
    payload: newPayload,
    request: Object.keys(changes).length > 0 ? JSON.stringify(changes) : null,
  };
}
