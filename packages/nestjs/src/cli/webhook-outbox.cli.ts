/**
 * `webhook-outbox migrate | status | sql`: the package's migrations, run before a deploy rather than by the app.
 *
 *   webhook-outbox status --url postgres://user@db/app     exit 1 when migrations are pending
 *   webhook-outbox sql --url mysql://root@db/app > up.sql  the SQL, to review or run by hand
 *   webhook-outbox migrate --data-source dist/data-source.js
 *   webhook-outbox openapi --data-source dist/data-source.js > webhooks.openapi.json
 *   webhook-outbox listen --secret whsec_… --forward-to http://localhost:3000/webhooks
 *   webhook-outbox trigger order.created --data-source dist/data-source.js --url http://localhost:4000 --secret whsec_…
 */
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { cliDataSource, CliUsageError, optionsFromFile } from './cli-data-source.js';
import { LISTEN_DEFAULTS, listen, listenOptions } from './listen-command.js';
import { entityEventsOpenApi } from './openapi-command.js';
import { trigger, triggerOptions, triggerThroughAdmin } from './trigger-command.js';
import { migrate, migrationStatus, pendingSql } from './migration-commands.js';

const USAGE = `Usage: webhook-outbox <migrate|status|sql> [--url <database URL>] [--data-source <file>] [--migrations-table <name>]
       webhook-outbox openapi --data-source <file> [--title <title>] [--version <version>]
       webhook-outbox listen [--port <port>] [--path <path>] [--secret <whsec_…>] [--public-key <whpk_…>]
                             [--status <code>] [--forward-to <url>]
       webhook-outbox trigger <event-type> --data-source <file> --url <receiver URL> --secret <whsec_…>
       webhook-outbox trigger <event-type> --admin-url <admin API base URL> [--token <bearer>] --endpoint <id>

  migrate   apply the pending migrations of @webhook-outbox/nestjs, each in its own transaction
  status    list them, applied or pending; exit code 1 when any is pending
  sql       print the SQL that brings the database up to date, without running it
  openapi   print an OpenAPI 3.1 document of the webhooks the DataSource's @EmitsWebhook entities send (their JSON
            Schemas under "webhooks"), without connecting to the database
  listen    a local receiver for development, on 127.0.0.1 (--port, default ${LISTEN_DEFAULTS.port}; --path, default
            ${LISTEN_DEFAULTS.path}): verifies each request with --secret (repeat or comma-separate to rotate) or
            --public-key, prints it on one line, answers --status (default ${LISTEN_DEFAULTS.status}; 401 when not
            verified); --forward-to passes verified requests on to your app and answers what it answers
  trigger   send the example body of an event type of the DataSource's catalog (as openapi lists it), signed with
            --secret, to --url; exit code 0 when the receiver answers 2xx, 1 otherwise, 2 for an unknown type.
            With --admin-url, the running app sends it to one --endpoint instead (POST endpoints/:id/test)

The database: --url (postgres://, mysql://, mariadb://, sqlite:<file>), else WEBHOOK_OUTBOX_DATABASE_URL, else
DATABASE_URL; or --data-source, a module exporting your TypeORM DataSource (only its connection is used).`;

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'data-source': { type: 'string' },
      'migrations-table': { type: 'string' },
      title: { type: 'string' },
      version: { type: 'string' },
      port: { type: 'string' },
      path: { type: 'string' },
      secret: { type: 'string', multiple: true },
      'public-key': { type: 'string', multiple: true },
      status: { type: 'string' },
      'forward-to': { type: 'string' },
      'admin-url': { type: 'string' },
      token: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * Runs the CLI; returns the exit code (0 done, 1 pending or failed, 2 usage). `listen` runs until `stop` resolves
 * (default: Ctrl-C or SIGTERM).
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
  stop?: Promise<void>,
): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  if (command === 'listen' && extra.length === 0) return listenCommand(parsed.values, out, err, stop ?? interrupted());
  if (command === 'trigger' && extra.length <= 1) return triggerCommand(extra[0], parsed.values, out, err);
  if (!command || !['migrate', 'status', 'sql', 'openapi'].includes(command) || extra.length > 0) {
    err(USAGE);
    return 2;
  }
  if (command === 'openapi') return openApiCommand(parsed.values, out, err);
  let dataSource: DataSource;
  try {
    dataSource = await cliDataSource({
      url: parsed.values.url ?? env.WEBHOOK_OUTBOX_DATABASE_URL ?? env.DATABASE_URL,
      dataSourceFile: parsed.values['data-source'],
      migrationsTable: parsed.values['migrations-table'],
    });
    await dataSource.initialize();
  } catch (error) {
    err(
      error instanceof CliUsageError
        ? `${error.message}\n\n${USAGE}`
        : `Cannot connect to the database: ${(error as Error).message}`,
    );
    return error instanceof CliUsageError ? 2 : 1;
  }
  try {
    switch (command) {
      case 'status': {
        const states = await migrationStatus(dataSource);
        for (const { name, applied } of states) out(`${applied ? '[x]' : '[ ]'} ${name}`);
        const pending = states.filter((state) => !state.applied).length;
        out(pending === 0 ? 'Up to date.' : `${pending} pending: run \`webhook-outbox migrate\`.`);
        return pending === 0 ? 0 : 1;
      }
      case 'migrate': {
        const applied = await migrate(dataSource);
        for (const name of applied) out(`Applied ${name}`);
        out(applied.length === 0 ? 'Up to date: nothing to apply.' : `${applied.length} applied.`);
        return 0;
      }
      default: {
        const statements = await pendingSql(dataSource);
        out(statements.length === 0 ? '-- Up to date: nothing to apply.' : statements.join('\n'));
        return 0;
      }
    }
  } catch (error) {
    err(`webhook-outbox ${command} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}

/** `openapi`: the entity events of the application's DataSource file as an OpenAPI 3.1 document on stdout. */
async function openApiCommand(
  values: ReturnType<typeof parseCommandLine>['values'],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const file = values['data-source'];
  if (!file) {
    err(`openapi reads the entities of your DataSource: give --data-source <file>.\n\n${USAGE}`);
    return 2;
  }
  try {
    const info = { ...(values.title && { title: values.title }), ...(values.version && { version: values.version }) };
    out(JSON.stringify(await entityEventsOpenApi(await optionsFromFile(file), info), null, 2));
    return 0;
  } catch (error) {
    err(
      error instanceof CliUsageError
        ? `${error.message}\n\n${USAGE}`
        : `webhook-outbox openapi failed: ${(error as Error).message}`,
    );
    return error instanceof CliUsageError ? 2 : 1;
  }
}

/** Resolves on Ctrl-C or SIGTERM, once: what stops `listen` when run as a process. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** `listen`: a local receiver until `stop` resolves. */
async function listenCommand(
  values: ReturnType<typeof parseCommandLine>['values'],
  out: (line: string) => void,
  err: (line: string) => void,
  stop: Promise<void>,
): Promise<number> {
  try {
    return await listen(listenOptions(values), out, err, stop);
  } catch (error) {
    err(
      error instanceof CliUsageError
        ? `${error.message}\n\n${USAGE}`
        : `webhook-outbox listen failed: ${(error as Error).message}`,
    );
    return error instanceof CliUsageError ? 2 : 1;
  }
}

/** `trigger`: one signed example event to a receiver. */
async function triggerCommand(
  type: string | undefined,
  values: ReturnType<typeof parseCommandLine>['values'],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  try {
    const options = triggerOptions(type, values);
    return await (options.admin ? triggerThroughAdmin(options, out) : trigger(options, out));
  } catch (error) {
    if (error instanceof CliUsageError) {
      err(error.message.startsWith('Unknown event type') ? error.message : `${error.message}\n\n${USAGE}`);
      return 2;
    }
    err(`webhook-outbox trigger failed: ${(error as Error).message}`);
    return 1;
  }
}
