import { createRequire } from 'node:module';
import { join } from 'node:path';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

const JMESPATH = '@jmespath-community/jmespath';

/**
 * The absolute path of JMESPath's CommonJS build, for a transformation worker to `require()`. Resolved from this
 * package first (the version it depends on), then from the application's folder; by the working directory because
 * the ESM and CommonJS builds of this package cannot both know their own path (no `import.meta`, no `__dirname`).
 */
export function jmespathModuleLocation(cwd = process.cwd()): string {
  const fromApp = createRequire(join(cwd, 'index.js'));
  try {
    const ours = createRequire(fromApp.resolve('@webhook-outbox/nestjs/package.json'));
    return ours.resolve(JMESPATH);
  } catch {
    // The package may be linked or bundled without its own package.json reachable: the application's copy will do.
  }
  try {
    return fromApp.resolve(JMESPATH);
  } catch {
    throw new WebhookConfigurationError(
      `Stored transformations need ${JMESPATH}, which cannot be found from the working directory ${cwd}. ` +
        'Start the application from its own folder, or install the package there.',
    );
  }
}
