// Installs every test stack (test/stacks/*/package.json) from its own lockfile, after the workspace's install:
// the root package.json runs this as `postinstall`, so `npm install` alone prepares everything `npm test` runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
for (const entry of readdirSync(here, { withFileTypes: true })) {
  if (!entry.isDirectory() || !existsSync(`${here}${entry.name}/package.json`)) continue;
  console.log(`test stack ${entry.name}: npm install`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: `${here}${entry.name}`,
    stdio: 'inherit',
  });
}
