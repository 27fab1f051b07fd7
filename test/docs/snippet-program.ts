import { dirname, join } from 'node:path';
import ts from 'typescript';
import { WORKSPACE } from './docs-pages.js';
import { type CodeBlock, codeBlocks, isTypeScript } from './markdown-code-blocks.js';

/** A compiler message, placed in the page the reader sees. */
export interface SnippetDiagnostic {
  page: string;
  /** 1-based line in the page (the block's line when the message has no position). */
  line: number;
  /** Line of the block's first code line, to find the block. */
  blockLine: number;
  message: string;
}

/** Where a virtual file came from. */
interface SnippetSource {
  page: string;
  block: CodeBlock;
}

// Virtual files live under the workspace (never written), so `@nestjs/*`, `typeorm` and the rest resolve from its
// node_modules, and the root package.json (`"type": "module"`) makes them ES modules as in an ESM application.
const VIRTUAL_ROOT = join(WORKSPACE, '.docs-snippets');
const FILE_TITLE = /\.(ts|mts|cts|tsx)$/;
/** What users may import of ours; any other `@webhook-outbox/...` specifier in a snippet is reported. */
const PUBLIC_ENTRIES = [
  '@webhook-outbox/nestjs',
  '@webhook-outbox/nestjs/testing',
  '@webhook-outbox/nestjs/testing/jest',
  '@webhook-outbox/nestjs/testing/vitest',
  '@webhook-outbox/signature',
];

/**
 * A NestJS application's settings (those `nest new` generates) under full `strict`: `isolatedModules` with decorator
 * metadata catches types imported with `import type` into decorated signatures, which fail at run time.
 * `paths` send the package names to the workspace's sources, so only their public entries are reachable.
 */
function compilerOptions(): ts.CompilerOptions {
  const base = ts.readConfigFile(join(WORKSPACE, 'tsconfig.base.json'), ts.sys.readFile);
  const allPaths = (base.config as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
  const paths = Object.fromEntries(PUBLIC_ENTRIES.map((entry) => [entry, allPaths[entry]!]));
  const parsed = ts.parseJsonConfigFileContent(
    {
      compilerOptions: {
        paths,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        moduleDetection: 'force',
        target: 'ES2023',
        lib: ['ES2023'],
        types: ['node'],
        strict: true,
        isolatedModules: true,
        esModuleInterop: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: [],
    },
    ts.sys,
    WORKSPACE,
  );
  return parsed.options;
}

/**
 * The virtual files of one page: titled blocks at their paths in the page's folder (files of one project), untitled
 * ones each on its own. A title that comes again (a variant, "replace src/x.ts with") makes a copy of the project
 * with that file replaced, so the variant is checked with the files it must fit.
 */
function pageFiles(page: string, blocks: CodeBlock[]): Map<string, SnippetSource> {
  const folder = join(VIRTUAL_ROOT, page.replace(/\.md$/, ''));
  const files = new Map<string, SnippetSource>();
  const project = new Map<string, CodeBlock>();
  const variants: CodeBlock[] = [];
  for (const block of blocks) {
    if (!block.title || !FILE_TITLE.test(block.title)) {
      files.set(join(folder, `block-at-line-${block.line}.ts`), { page, block });
    } else if (project.has(block.title)) variants.push(block);
    else project.set(block.title, block);
  }
  for (const [title, block] of project) files.set(join(folder, title), { page, block });
  for (const variant of variants) {
    const copy = join(folder, `variant-at-line-${variant.line}`);
    for (const [title, block] of project) {
      files.set(join(copy, title), { page, block: title === variant.title ? variant : block });
    }
  }
  return files;
}

/** A compiler host that serves the snippets from memory and everything else from disk. */
function snippetHost(options: ts.CompilerOptions, snippets: Map<string, SnippetSource>): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const folders = new Set<string>();
  for (const file of snippets.keys()) {
    for (let dir = dirname(file); dir.startsWith(VIRTUAL_ROOT); dir = dirname(dir)) folders.add(dir);
  }
  return {
    ...host,
    getCurrentDirectory: () => WORKSPACE,
    fileExists: (file) => snippets.has(file) || host.fileExists(file),
    readFile: (file) => snippets.get(file)?.block.code ?? host.readFile(file),
    directoryExists: (dir) => folders.has(dir) || (host.directoryExists?.(dir) ?? ts.sys.directoryExists(dir)),
    getSourceFile: (file, language, onError) => {
      const snippet = snippets.get(file);
      if (snippet) return ts.createSourceFile(file, snippet.block.code, language, true);
      return host.getSourceFile(file, language, onError);
    },
  };
}

function toSnippetDiagnostic(source: SnippetSource, diagnostic: ts.Diagnostic): SnippetDiagnostic {
  const position =
    diagnostic.file && diagnostic.start !== undefined
      ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
      : 0;
  return {
    page: source.page,
    line: source.block.line + position,
    blockLine: source.block.line,
    message: `${diagnostic.code ? `TS${diagnostic.code}: ` : ''}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
  };
}

/** Imports of ours that are not a public entry (`@webhook-outbox/nestjs/internal`, a path into `dist`). */
function privateImports(sourceFile: ts.SourceFile): ts.Diagnostic[] {
  return sourceFile.statements.flatMap((statement) => {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) return [];
    const name = specifier.text;
    if (!name.startsWith('@webhook-outbox/') || PUBLIC_ENTRIES.includes(name)) return [];
    return [
      {
        category: ts.DiagnosticCategory.Error,
        code: 0,
        file: sourceFile,
        start: specifier.getStart(sourceFile),
        length: specifier.getWidth(sourceFile),
        messageText: `'${name}' is not a public entry point: import from ${PUBLIC_ENTRIES.join(', ')}.`,
      },
    ];
  });
}

/** The TypeScript blocks of the pages that a reader may copy (not the ones marked as fragments), by page. */
export function typeScriptBlocks(pages: Map<string, string>): Map<string, CodeBlock[]> {
  const blocks = new Map<string, CodeBlock[]>();
  for (const [page, markdown] of pages) {
    const found = codeBlocks(markdown).filter((block) => isTypeScript(block) && !block.fragment);
    if (found.length > 0) blocks.set(page, found);
  }
  return blocks;
}

/**
 * Type-checks every block of every page in one program (the packages' sources are read once) and returns the
 * messages by page: an empty list for a page whose blocks all compile. Messages found twice (a file of a page's
 * project and its copy for a variant) are reported once.
 */
export function checkSnippets(blocksByPage: Map<string, CodeBlock[]>): Map<string, SnippetDiagnostic[]> {
  const snippets = new Map<string, SnippetSource>();
  for (const [page, blocks] of blocksByPage)
    for (const [file, source] of pageFiles(page, blocks)) snippets.set(file, source);
  const options = compilerOptions();
  const program = ts.createProgram({ rootNames: [...snippets.keys()], options, host: snippetHost(options, snippets) });
  const results = new Map<string, SnippetDiagnostic[]>([...blocksByPage.keys()].map((page) => [page, []]));
  const seen = new Set<string>();
  for (const [file, source] of snippets) {
    const sourceFile = program.getSourceFile(file)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile),
      ...privateImports(sourceFile),
    ];
    for (const diagnostic of diagnostics) {
      const found = toSnippetDiagnostic(source, diagnostic);
      const key = `${found.page}:${found.line}:${found.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      results.get(source.page)!.push(found);
    }
  }
  const global = program.getGlobalDiagnostics().concat(program.getOptionsDiagnostics());
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, ts.createCompilerHost(options)));
  return results;
}
