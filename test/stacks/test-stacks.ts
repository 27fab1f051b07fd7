import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/**
 * The stacks the suite runs on besides the workspace's own (NestJS 12 + TypeORM 1.x). Each is a folder under
 * test/stacks/ with its own package.json and lockfile, installed by `npm run test:stacks` (which `npm run test:all` runs first); the packages it lists
 * replace the workspace's copies for every import made by the tests, the sources they load and the processes they
 * spawn, so one source tree is exercised against every combination of NestJS and TypeORM the peer ranges allow.
 */
export interface TestStack {
  /** Folder name under test/stacks/, also the Vitest project's suffix. */
  name: string;
  /** Absolute path of the stack's folder. */
  dir: string;
  /** The packages this stack supplies, with the version ranges its package.json declares. */
  versions: Record<string, string>;
  /** The package names this stack supplies. */
  packages: string[];
}

/** Every stack: each folder of test/stacks/ with a package.json. */
export function testStacks(): TestStack[] {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return readdirSync(here, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${here}${entry.name}/package.json`))
    .map((entry) => testStack(entry.name));
}

export function testStack(name: string): TestStack {
  const dir = fileURLToPath(new URL(`./${name}/`, import.meta.url));
  const manifest = JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as { dependencies: Record<string, string> };
  return { name, dir, versions: manifest.dependencies, packages: Object.keys(manifest.dependencies) };
}

/** `@nestjs/common/foo` → `@nestjs/common`; `typeorm/x` → `typeorm`; relative and absolute specifiers → undefined. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.includes(':')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * A Vite plugin that resolves the stack's packages as if they were imported from inside the stack's folder, with
 * Node's own rules (exports conditions included), so the test worker loads the stack's copies and never two copies
 * of one package (two `@nestjs/common`s would break dependency injection).
 */
export function resolveFromStack(stack: TestStack): Plugin {
  const importer = `${stack.dir}package.json`;
  const supplied = new Set(stack.packages);
  return {
    name: `webhook-outbox:stack:${stack.name}`,
    enforce: 'pre',
    async resolveId(source, _importer, options) {
      const name = packageNameOf(source);
      if (!name || !supplied.has(name)) return null;
      return this.resolve(source, importer, { ...options, skipSelf: true });
    },
  };
}

/**
 * Node flags for a child process of a test: TypeScript through swc, and on a second stack the resolve hook that
 * gives the child the same packages as the test that spawned it.
 */
export function childProcessNodeArgs(): string[] {
  const stack = process.env.WEBHOOK_TEST_STACK;
  const swc = ['--import', '@swc-node/register/esm-register'];
  if (!stack) return swc;
  return [...swc, '--import', fileURLToPath(new URL('./register-stack.hook.mjs', import.meta.url))];
}
