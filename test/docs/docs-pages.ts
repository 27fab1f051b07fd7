import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE = fileURLToPath(new URL('../..', import.meta.url));

/** Folders of docs/ that are not hand-written pages: generated API pages, VitePress's config and build output. */
const NOT_PAGES = new Set(['api', '.vitepress', 'node_modules']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return NOT_PAGES.has(entry.name) ? [] : markdownFiles(join(dir, entry.name));
    return entry.name.endsWith('.md') ? [join(dir, entry.name)] : [];
  });
}

/** The pages whose code readers copy: docs/**\/*.md (not the generated API pages) and the README, workspace-relative. */
export function docsPages(): string[] {
  const pages = markdownFiles(join(WORKSPACE, 'docs')).map((file) => relative(WORKSPACE, file));
  return ['README.md', ...pages.sort()];
}

export function readPage(page: string): string {
  return readFileSync(join(WORKSPACE, page), 'utf8');
}
