import { beforeAll, describe, expect, it } from 'vitest';
import { docsPages, readPage } from './docs-pages.js';
import { checkSnippets, type SnippetDiagnostic, typeScriptBlocks } from './snippet-program.js';

const pages = new Map(docsPages().map((page) => [page, readPage(page)]));
const blocksByPage = typeScriptBlocks(pages);
let diagnostics: Map<string, SnippetDiagnostic[]>;

/** `docs/guide/x.md:42 (block at line 40) TS2304: Cannot find name 'secret'.`, what a failure prints. */
function describeDiagnostic({ page, line, blockLine, message }: SnippetDiagnostic): string {
  return `${page}:${line} (block at line ${blockLine}) ${message}`;
}

beforeAll(() => {
  diagnostics = checkSnippets(blocksByPage);
});

describe('the TypeScript blocks of the docs and the README', () => {
  it('are found on the pages', () => {
    expect(blocksByPage.size).toBeGreaterThan(0);
  });

  it.each([...blocksByPage.keys()])('compile under strict on %s', (page) => {
    expect(diagnostics.get(page)!.map(describeDiagnostic)).toEqual([]);
  });
});
