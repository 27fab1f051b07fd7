import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readHeader, verifyStandardWebhook, WebhookVerificationError } from '@webhook-outbox/signature';
import { CliUsageError } from './cli-data-source.js';

/** What `webhook-outbox listen` was asked to do. */
export interface ListenOptions {
  port: number;
  path: string;
  /** `whsec_` secrets and/or `whpk_` public keys; empty: requests are printed, not verified. */
  secrets: string[];
  status: number;
  forwardTo?: string;
}

/** The defaults `listen` documents (docs/reference/cli.md). */
export const LISTEN_DEFAULTS = { port: 4000, path: '/', status: 204 } as const;
/** A body beyond this is answered 413 unread: a development receiver has no use for more. */
export const LISTEN_MAX_BODY_BYTES = 1024 * 1024;
/** A body not fully received within this is answered 408. */
export const LISTEN_BODY_TIMEOUT_MS = 10_000;
/** How long a `--forward-to` app may take to answer before the sender is answered 502. */
const FORWARD_TIMEOUT_MS = 30_000;

/** The flags of `listen` as parsed, checked and defaulted; a usage mistake is a `CliUsageError`. */
export function listenOptions(values: {
  port?: string;
  path?: string;
  secret?: string[];
  'public-key'?: string[];
  status?: string;
  'forward-to'?: string;
}): ListenOptions {
  const port = values.port === undefined ? LISTEN_DEFAULTS.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliUsageError(`--port is a TCP port (0–65535); got "${values.port}".`);
  const status = values.status === undefined ? LISTEN_DEFAULTS.status : Number(values.status);
  if (!Number.isInteger(status) || status < 200 || status > 599)
    throw new CliUsageError(`--status is an HTTP status (200–599); got "${values.status}".`);
  const path = values.path ?? LISTEN_DEFAULTS.path;
  if (!path.startsWith('/')) throw new CliUsageError(`--path starts with "/"; got "${path}".`);
  const split = (list: string[] | undefined) =>
    (list ?? [])
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean);
  const secrets = split(values.secret);
  const keys = split(values['public-key']);
  for (const secret of secrets)
    if (!secret.startsWith('whsec_')) throw new CliUsageError('--secret takes whsec_… secrets.');
  for (const key of keys) if (!key.startsWith('whpk_')) throw new CliUsageError('--public-key takes whpk_… keys.');
  const forwardTo = values['forward-to'];
  if (forwardTo !== undefined && !/^https?:\/\//.test(forwardTo))
    throw new CliUsageError(`--forward-to is an http:// or https:// URL; got "${forwardTo}".`);
  return { port, path, secrets: [...secrets, ...keys], status, ...(forwardTo !== undefined && { forwardTo }) };
}

/** The body, or why not: too large (413) or too slow (408). */
function readBody(request: IncomingMessage): Promise<Buffer | 408 | 413> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > LISTEN_MAX_BODY_BYTES) return resolve(413);
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(408), LISTEN_BODY_TIMEOUT_MS);
    const finish = (result: Buffer | 408 | 413) => {
      clearTimeout(timer);
      request.removeAllListeners('data');
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > LISTEN_MAX_BODY_BYTES) return finish(413);
      chunks.push(chunk);
    });
    request.on('end', () => finish(Buffer.concat(chunks)));
    request.on('error', () => finish(408));
  });
}

/** `type` and `attempt` from the body when it is JSON, the attempt from a header otherwise. */
function describeBody(request: IncomingMessage, body: Buffer): { type: string; attempt?: string } {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON: printed without a type.
  }
  const attempt =
    parsed.attempt ?? readHeader(request.headers, 'webhook-attempt') ?? readHeader(request.headers, 'x-attempt');
  return {
    type: typeof parsed.type === 'string' ? parsed.type : '(no type)',
    ...(attempt !== undefined && { attempt: String(attempt) }),
  };
}

/** The verifier's verdict in words: `verified`, or why not (its reason and message). */
function verdict(request: IncomingMessage, body: Buffer, secrets: string[]): { ok: boolean; text: string } {
  if (secrets.length === 0) return { ok: true, text: 'not verified (no secret given)' };
  try {
    verifyStandardWebhook({ payload: body, headers: request.headers, secret: secrets });
    return { ok: true, text: 'verified' };
  } catch (error) {
    if (error instanceof WebhookVerificationError)
      return { ok: false, text: `NOT verified: ${error.reason}: ${error.message}` };
    return { ok: false, text: `NOT verified: ${(error as Error).message}` };
  }
}

/** Passes the request on to `target` (same method, headers and body) and resolves with the app's answer. */
function forward(target: string, request: IncomingMessage, body: Buffer): Promise<{ status: number; body: Buffer }> {
  const url = new URL(target);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...request.headers, host: url.host, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method: request.method, headers, timeout: FORWARD_TIMEOUT_MS }, (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        // The app's body goes back to the sender, bounded like the request's.
        size += chunk.length;
        if (size <= LISTEN_MAX_BODY_BYTES) chunks.push(chunk);
      });
      answer.on('end', () => resolve({ status: answer.statusCode ?? 502, body: Buffer.concat(chunks) }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS / 1000} s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * `webhook-outbox listen`: a local receiver for development. Verifies each request with the library's verifier,
 * prints it on one line, answers `--status` (or what the `--forward-to` app answered). Resolves with exit code 0 when
 * `stop` resolves (Ctrl-C), 1 if the port cannot be bound.
 */
export async function listen(
  options: ListenOptions,
  out: (line: string) => void,
  err: (line: string) => void,
  stop: Promise<void>,
): Promise<number> {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const answer = (status: number, body?: Buffer) => response.writeHead(status).end(body);
    const path = (request.url ?? '/').split('?')[0];
    if (path !== options.path) return answer(404);
    const body = await readBody(request);
    const time = new Date().toISOString();
    if (body === 408 || body === 413) {
      out(
        `${time}  ${request.method} ${path}  refused: ${body === 413 ? 'body over 1 MiB' : 'body too slow'} → ${body}`,
      );
      response.setHeader('connection', 'close');
      return answer(body);
    }
    const { type, attempt } = describeBody(request, body);
    const id = readHeader(request.headers, 'webhook-id') ?? readHeader(request.headers, 'svix-id') ?? '(no id)';
    const { ok, text } = verdict(request, body, options.secrets);
    let status = ok ? options.status : 401;
    let forwarded = '';
    let answerBody: Buffer | undefined;
    if (ok && options.forwardTo) {
      try {
        ({ status, body: answerBody } = await forward(options.forwardTo, request, body));
        forwarded = `  forwarded to ${options.forwardTo} → ${status}`;
      } catch (error) {
        status = 502;
        forwarded = `  forward to ${options.forwardTo} failed: ${(error as Error).message}`;
      }
    }
    out(`${time}  ${type}  ${id}${attempt ? `  attempt ${attempt}` : ''}  ${text}  → ${status}${forwarded}`);
    answer(status, answerBody);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.headersSent || response.writeHead(500).end());
  });
  server.requestTimeout = LISTEN_BODY_TIMEOUT_MS + FORWARD_TIMEOUT_MS;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    err(`Cannot listen on port ${options.port}: ${(error as Error).message}`);
    return 1;
  }
  const { port } = server.address() as { port: number };
  const checks = options.secrets.length === 0 ? 'not verifying (no --secret or --public-key)' : 'verifying signatures';
  out(`Listening on http://127.0.0.1:${port}${options.path}, ${checks}; Ctrl-C to stop.`);
  await stop;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  out('Stopped.');
  return 0;
}
