import { describe, expect, it } from 'vitest';
import { quickStart } from './quick-start-page.js';

const PAGE = [
  '# Getting started',
  '```bash',
  'npx @nestjs/cli new shop   # not a step: before them',
  '```',
  '## 1. Install',
  '```bash',
  'npm install some-package   # the driver',
  '```',
  '## 2. Build and run',
  '::: code-group',
  '',
  '```ts [src/db.ts]',
  "export const db = 'postgres';",
  '```',
  '',
  ':::',
  '```bash',
  'npm run build',
  'curl -X POST http://localhost:3000/orders \\',
  "  -d '{}'",
  '```',
  '## Using SQLite instead',
  '```bash',
  'npm install better-sqlite3',
  '```',
  '```ts [src/db.ts]',
  "export const db = 'sqlite';",
  '```',
  '## What just happened',
  '```ts [src/other.ts]',
  'export {};',
  '```',
].join('\n');

describe("the Getting started page's application", () => {
  it('is the files and commands of the numbered steps, in order, without comments', () => {
    const page = quickStart(PAGE);
    expect(page).toEqual({
      files: new Map([['src/db.ts', "export const db = 'postgres';\n"]]),
      commands: ['npm install some-package', 'npm run build', "curl -X POST http://localhost:3000/orders -d '{}'"],
    });
  });

  it("takes a variant's files over the main path's and installs its packages after the main path's", () => {
    const page = quickStart(PAGE, 'Using SQLite');
    expect(page).toEqual({
      files: new Map([['src/db.ts', "export const db = 'sqlite';\n"]]),
      commands: [
        'npm install some-package',
        'npm install better-sqlite3',
        'npm run build',
        "curl -X POST http://localhost:3000/orders -d '{}'",
      ],
    });
  });
});
