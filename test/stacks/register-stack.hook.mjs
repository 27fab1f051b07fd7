// Loaded with `node --import` in the child processes of tests that run on a second stack (WEBHOOK_TEST_STACK):
// registers a resolve hook that takes that stack's packages from its folder, as the Vite plugin does in the
// test worker (test-stacks.ts).
import { readFileSync } from 'node:fs';
import { register } from 'node:module';

const dir = new URL(`./${process.env.WEBHOOK_TEST_STACK}/`, import.meta.url);
const packages = Object.keys(JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')).dependencies);
register('./stack-resolve.hook.mjs', import.meta.url, {
  data: { anchor: new URL('package.json', dir).href, packages },
});
