import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Plugin } from 'vite';
import { codeBlocks } from '../docs/markdown-code-blocks.js';
import { docsPage } from './reference-page.js';

const SCHEME = 'docs-page:';
const WORKSPACE_IMPORTER = fileURLToPath(import.meta.url);
const RESOLVED = `\0${SCHEME}`;

/** The code of the block titled `file` on `page` (under docs/), as a reader copies it. */
function titledBlock(page: string, file: string): string {
  const block = codeBlocks(docsPage(page)).find((candidate) => candidate.title === file);
  if (!block) throw new Error(`docs/${page} has no code block titled [${file}].`);
  return block.code;
}

/**
 * Serves the titled code blocks of a docs page as modules, `docs-page:guide/testing.md/test/retries.e2e-spec.ts`,
 * so a spec runs a page's example exactly as written, with no copy on disk. A block's relative imports
 * (`./manual-clock.js`) are the page's other titled blocks; everything else resolves from the workspace. Blocks are
 * compiled with the decorator metadata Nest's dependency injection needs.
 */
export function docsPageFiles(): Plugin {
  return {
    name: 'docs-page-files',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.startsWith(SCHEME)) return `\0${id}`;
      if (!importer?.startsWith(RESOLVED)) return undefined;
      if (id.startsWith('.')) {
        const [page, file] = splitId(importer.slice(RESOLVED.length));
        const target = posix.join(posix.dirname(file), id).replace(/\.js$/, '.ts');
        return `${RESOLVED}${page}/${target}`;
      }
      // As if imported by a file of the workspace, so the package names resolve to their sources (tsconfig paths).
      return this.resolve(id, WORKSPACE_IMPORTER, { skipSelf: true });
    },
    load(id) {
      if (!id.startsWith(RESOLVED)) return undefined;
      const [page, file] = splitId(id.slice(RESOLVED.length));
      const { outputText } = ts.transpileModule(titledBlock(page, file), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          useDefineForClassFields: false,
        },
      });
      return outputText;
    },
  };
}

/** `guide/testing.md/test/x.ts` → [`guide/testing.md`, `test/x.ts`]. */
function splitId(path: string): [page: string, file: string] {
  const end = path.indexOf('.md/') + '.md'.length;
  return [path.slice(0, end), path.slice(end + 1)];
}
