import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

const JMESPATH = '@jmespath-community/jmespath';

/**
 * The absolute path of JMESPath's CommonJS build, for a transformation worker to `require()`. The CommonJS build of
 * this package resolves it from itself; the ESM build cannot know its own path in code that also compiles to
 * CommonJS (no `import.meta`), so it looks from the application's main script's folder, then the working directory:
 * through this package first (the version it depends on), then the application's own copy.
 */
export function jmespathModuleLocation(
  cwd = process.cwd(),
  main = process.argv[1],
  own: NodeJS.Require | null = typeof require === 'function' ? require : null,
): string {
  if (own) {
    try {
      return own.resolve(JMESPATH);
    } catch {
      // Bundled or linked without its dependencies beside it: look from the application as the ESM build does.
    }
  }
  const folders = [...(main ? [dirname(main)] : []), cwd];
  for (const folder of folders) {
    const fromApp = createRequire(join(folder, 'index.js'));
    for (const resolve of [
      () => createRequire(fromApp.resolve('@webhook-outbox/nestjs/package.json')).resolve(JMESPATH),
      () => fromApp.resolve(JMESPATH),
    ]) {
      try {
        return resolve();
      } catch {
        // Not from here: the next place.
      }
    }
  }
  throw new WebhookConfigurationError(
    `Stored transformations need ${JMESPATH}, which cannot be found from ${folders.join(' or ')}. ` +
      'Install it beside the application (npm install @jmespath-community/jmespath).',
  );
}
