import { WebhookEventTypes } from '@webhook-outbox/nestjs';
import ajvModule from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { WebhookTestApp } from './webhook-test-app.js';

// Both packages are CommonJS with a default export; interop differs between ESM loaders.
type AjvClass = typeof import('ajv/dist/2020.js').default;
const Ajv2020 = ((ajvModule as unknown as { default?: AjvClass }).default ?? ajvModule) as AjvClass;
const addFormats = ((formatsModule as unknown as { default?: typeof formatsModule }).default ??
  formatsModule) as unknown as (ajv: InstanceType<AjvClass>) => void;

/** Types whose events are not described by the catalog (the test event is sent to one endpoint, not subscribed to). */
const UNCATALOGUED = new Set(['webhook.test']);

/**
 * Validates every entity event the test wrote to the outbox against its type's JSON Schema in the application's own
 * catalog, with Ajv (a standard JSON Schema 2020-12 validator, formats included): so every entity event of the
 * whole integration suite, on every database, checks the schemas. Returns what did not validate, one line each.
 */
export async function eventsNotMatchingTheirSchemas(app: WebhookTestApp): Promise<string[]> {
  let rows: Array<{ type: string; payload: string }>;
  try {
    // Entity events: those the library shaped from a row (published ones carry what the application gave).
    rows = await app.dataSource.query('SELECT type, payload FROM webhook_event WHERE source_entity IS NOT NULL');
  } catch {
    return []; // the test took the outbox away (dropped tables, a stopped database): nothing to check
  }
  const catalog = new Map(
    app.app
      .get(WebhookEventTypes)
      .list()
      .map((info) => [info.type, info]),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const failures: string[] = [];
  for (const row of rows) {
    const info = catalog.get(row.type);
    if (!info || UNCATALOGUED.has(row.type)) continue;
    let validate = validators.get(row.type);
    if (!validate) {
      validate = ajv.compile(info.schema);
      validators.set(row.type, validate);
    }
    const body = JSON.parse(row.payload) as unknown;
    if (!validate(body))
      failures.push(`${row.type}: ${ajv.errorsText(validate.errors)} in ${row.payload.slice(0, 300)}`);
  }
  return failures;
}
