// Installs every test stack (test/stacks/*/package.json) from its own lockfile: `npm run test:stacks`, which
// `npm run test:all` runs first. Not a postinstall: `npm install` and `npm test` need none of them.
// A stack whose package.json and lockfile have not changed since its last install is skipped, so a second run
// costs milliseconds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const MARKER = 'node_modules/.webhook-outbox-stack';

/** What the stack's install depends on: its manifest and its lockfile. */
function fingerprint(dir) {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    if (existsSync(`${dir}${file}`)) hash.update(readFileSync(`${dir}${file}`));
  }
  return hash.digest('hex');
}

for (const entry of readdirSync(here, { withFileTypes: true })) {
  const dir = `${here}${entry.name}/`;
  if (!entry.isDirectory() || !existsSync(`${dir}package.json`)) continue;
  const marker = `${dir}${MARKER}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint(dir)) continue;
  console.log(`test stack ${entry.name}: npm install`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  // After the install: npm may have rewritten the lockfile, and the next run must compare against that.
  writeFileSync(marker, fingerprint(dir));
}
