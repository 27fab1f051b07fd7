import { beforeAll, describe, expect, it } from 'vitest';
import { checkSnippets, type SnippetDiagnostic, typeScriptBlocks } from './snippet-program.js';

/** Small pages, one per behaviour, checked together in one program as the docs are. */
const PAGES = new Map(
  Object.entries({
    'type-error.md': ['# A page', '', '```ts', 'const count: number = "one";', '```'],
    'one-project.md': [
      '```ts [src/a.ts]',
      'export const a: number = 1;',
      '```',
      '```ts [src/b.ts]',
      "import { a } from './a.js';",
      'export const b: number = a;',
      '```',
    ],
    'variant.md': [
      '```ts [src/a.ts]',
      'export const a: number = 1;',
      '```',
      '```ts [src/b.ts]',
      "import { a } from './a.js';",
      'export const b: number = a;',
      '```',
      '## Another way',
      '```ts [src/a.ts]',
      "export const a = 'one';",
      '```',
    ],
    'fragment.md': ['<!-- snippet: fragment -->', '```ts', 'WebhookModule.forRoot({ ... })', '```'],
    'private-import.md': ['```ts', "export * from '@webhook-outbox/nestjs/internal';", '```'],
  }).map(([page, lines]) => [page, lines.join('\n')]),
);
let results: Map<string, SnippetDiagnostic[]>;

beforeAll(() => {
  results = checkSnippets(typeScriptBlocks(PAGES));
});

describe('the snippet check', () => {
  it('reports a type error at its line in the page, with the line of its block', () => {
    expect(results.get('type-error.md')).toEqual([
      {
        page: 'type-error.md',
        line: 4,
        blockLine: 4,
        message: "TS2322: Type 'string' is not assignable to type 'number'.",
      },
    ]);
  });

  it("compiles a page's titled blocks as files of one project, so they import each other", () => {
    expect(results.get('one-project.md')).toEqual([]);
  });

  it('checks a block that replaces a file with the files that import it', () => {
    expect(results.get('variant.md')!.map(({ line, message }) => ({ line, message }))).toEqual([
      { line: 6, message: "TS2322: Type 'string' is not assignable to type 'number'." },
    ]);
  });

  it('skips a block marked as a fragment', () => {
    expect(typeScriptBlocks(new Map([['fragment.md', PAGES.get('fragment.md')!]])).size).toBe(0);
  });

  it('reports an import of ours that is not a public entry point', () => {
    expect(results.get('private-import.md')!.map(({ message }) => message)).toContainEqual(
      expect.stringMatching(/'@webhook-outbox\/nestjs\/internal' is not a public entry point/),
    );
  });
});
