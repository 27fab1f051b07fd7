import { randomUUID } from 'node:crypto';
import { signStandardWebhook } from '@webhook-outbox/signature';
import { CliUsageError, optionsFromFile } from './cli-data-source.js';
import { entityEventCatalog } from './openapi-command.js';

/** What `webhook-outbox trigger` was asked to do. */
export interface TriggerOptions {
  type: string;
  dataSourceFile?: string;
  /** Direct mode: the receiver's URL and the secret(s) to sign with. */
  url?: string;
  secrets: string[];
  /** Admin mode: the base URL of a running app's admin API, its bearer token, and the endpoint to send to. */
  admin?: { url: string; token?: string; endpoint: string };
}

/** How long a receiver may take to answer. */
export const TRIGGER_TIMEOUT_MS = 30_000;
/** How much of the receiver's answer is printed. */
const ANSWER_PREVIEW_BYTES = 500;

/** The flags of `trigger` as parsed and checked; a usage mistake is a `CliUsageError`. */
export function triggerOptions(
  type: string | undefined,
  values: {
    'data-source'?: string;
    url?: string;
    secret?: string[];
    'admin-url'?: string;
    token?: string;
    endpoint?: string;
  },
): TriggerOptions {
  if (!type) throw new CliUsageError('trigger needs an event type: webhook-outbox trigger <event-type> ….');
  if (type.length > 200) throw new CliUsageError('An event type has at most 200 characters.');
  const adminUrl = values['admin-url'];
  if (adminUrl !== undefined) {
    if (!/^https?:\/\//.test(adminUrl))
      throw new CliUsageError(`--admin-url is an http:// or https:// URL; got "${adminUrl}".`);
    if (!values.endpoint) throw new CliUsageError('trigger --admin-url sends to one endpoint: give --endpoint <id>.');
    if (values.url || values.secret)
      throw new CliUsageError(
        "--admin-url sends through the app (its endpoint's URL and secret): drop --url and --secret.",
      );
    const admin = {
      url: adminUrl.replace(/\/+$/, ''),
      endpoint: values.endpoint,
      ...(values.token && { token: values.token }),
    };
    return { type, secrets: [], admin };
  }
  if (!values['data-source'])
    throw new CliUsageError("trigger sends the example of your DataSource's event catalog: give --data-source <file>.");
  if (!values.url) throw new CliUsageError('trigger sends to a receiver: give --url <receiver URL>.');
  if (!/^https?:\/\//.test(values.url))
    throw new CliUsageError(`--url is an http:// or https:// URL; got "${values.url}".`);
  const secrets = (values.secret ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw new CliUsageError('trigger signs what it sends: give --secret <whsec_…>.');
  for (const secret of secrets)
    if (!secret.startsWith('whsec_') && !secret.startsWith('whsk_'))
      throw new CliUsageError('--secret takes whsec_… secrets (or whsk_… signing keys).');
  return { type, dataSourceFile: values['data-source'], url: values.url, secrets };
}

/** The catalog's example body of `type`; an unknown type is a `CliUsageError` naming the known ones. */
async function exampleBody(dataSourceFile: string, type: string): Promise<string> {
  const catalog = (await entityEventCatalog(await optionsFromFile(dataSourceFile))).list();
  const entry = catalog.find((info) => info.type === type);
  if (!entry) {
    const known = catalog.map((info) => info.type).join(', ') || 'none (no @EmitsWebhook entity in the DataSource)';
    throw new CliUsageError(`Unknown event type "${type}". Known types: ${known}.`);
  }
  // A rule whose payload function could not shape the sample row has no example: the bare envelope still tests the wiring.
  const example = entry.example ?? { type, timestamp: new Date().toISOString(), data: {} };
  return JSON.stringify(example);
}

/** The status line and the first bytes of an answer, for the terminal. */
async function printAnswer(response: Response, out: (line: string) => void): Promise<number> {
  const text = Buffer.from(await response.arrayBuffer());
  const preview = text.subarray(0, ANSWER_PREVIEW_BYTES).toString('utf8');
  const more = text.length > ANSWER_PREVIEW_BYTES ? ` … (${text.length} bytes)` : '';
  out(`Answered ${response.status} ${response.statusText}${preview ? `: ${preview}${more}` : ''}`);
  return response.ok ? 0 : 1;
}

/**
 * `webhook-outbox trigger <event-type>`: the catalog's example of the type, in the library's envelope, signed with
 * Standard Webhooks headers, POSTed to `--url`. Exit code 0 when the receiver answers 2xx, 1 otherwise.
 */
export async function trigger(options: TriggerOptions, out: (line: string) => void): Promise<number> {
  const body = await exampleBody(options.dataSourceFile!, options.type);
  const headers = signStandardWebhook({
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    timestamp: new Date(),
    payload: body,
    secret: options.secrets,
  });
  out(`POST ${options.url}`);
  for (const [name, value] of Object.entries(headers)) out(`  ${name}: ${value}`);
  out(`  ${body}`);
  const response = await fetch(options.url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'webhook-outbox-cli', ...headers },
    body,
    signal: AbortSignal.timeout(TRIGGER_TIMEOUT_MS),
  });
  return printAnswer(response, out);
}

/**
 * `trigger --admin-url`: asks the running app to send the catalog's example of the type to one endpoint
 * (`POST <admin>/endpoints/:id/test` with `{ type }`), signed, retried and logged by its relay like any delivery.
 * Exit code 0 on 2xx, 2 when the app does not know the type (its 400 names the known ones), 1 otherwise.
 */
export async function triggerThroughAdmin(options: TriggerOptions, out: (line: string) => void): Promise<number> {
  const admin = options.admin!;
  const url = `${admin.url}/endpoints/${encodeURIComponent(admin.endpoint)}/test`;
  const body = JSON.stringify({ type: options.type });
  out(`POST ${url}`);
  out(`  ${body}`);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'webhook-outbox-cli',
      ...(admin.token && { authorization: `Bearer ${admin.token}` }),
    },
    body,
    signal: AbortSignal.timeout(TRIGGER_TIMEOUT_MS),
  });
  if (response.status === 400) {
    const answer = (await response.json().catch(() => ({}))) as { errors?: Array<{ field: string; message: string }> };
    const error = answer.errors?.find((candidate) => candidate.field === 'type');
    if (error)
      throw new CliUsageError(`Unknown event type "${options.type}": the app answered that it ${error.message}`);
    out(`Answered 400 ${JSON.stringify(answer).slice(0, ANSWER_PREVIEW_BYTES)}`);
    return 1;
  }
  return printAnswer(response, out);
}
