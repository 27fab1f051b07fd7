import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

/** The dashboard's built files (`dist/ui/` of the package), read once. */
export interface AdminUiAssets {
  index: string;
  /** By file name under `assets/`: its bytes and content type. */
  files: ReadonlyMap<string, { body: Buffer; type: string }>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * Where the package's `dist/ui/` is: found through the package's own `package.json`, resolved from the application
 * (the ESM and CommonJS builds sit at different depths, and neither may use the other's way of knowing its path).
 */
function uiDirectory(): string {
  const fromApp = createRequire(join(process.cwd(), 'index.js'));
  try {
    return join(dirname(fromApp.resolve('@webhook-outbox/nestjs/package.json')), 'dist', 'ui');
  } catch {
    throw new WebhookConfigurationError(
      'WebhookAdminModule: ui is on, but @webhook-outbox/nestjs cannot be found from the working directory ' +
        `${process.cwd()} to serve its dashboard. Start the application from its own folder.`,
    );
  }
}

let loaded: AdminUiAssets | undefined;

/** The dashboard's files; refuses at start-up, naming the folder, when they are missing (a package built without them). */
export function adminUiAssets(directory = uiDirectory()): AdminUiAssets {
  if (loaded) return loaded;
  const index = join(directory, 'index.html');
  if (!existsSync(index)) {
    throw new WebhookConfigurationError(
      `WebhookAdminModule: ui is on, but the dashboard is not built (no ${index}). Build the package (npm run build).`,
    );
  }
  const files = new Map<string, { body: Buffer; type: string }>();
  const assets = join(directory, 'assets');
  const html = readFileSync(index, 'utf8');
  for (const [, name] of html.matchAll(/\.\/assets\/([\w.-]+)/g)) {
    const extension = name!.slice(name!.lastIndexOf('.'));
    files.set(name!, { body: readFileSync(join(assets, name!)), type: TYPES[extension] ?? 'application/octet-stream' });
  }
  loaded = { index: html, files };
  return loaded;
}
