import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The text of a page of the documentation site, by its path under `docs/` (`reference/options.md`). */
export function docsPage(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../../docs/${path}`, import.meta.url)), 'utf8');
}

/**
 * The part of `page` under the heading line `heading` (exactly as written, e.g. "### `relay`"), up to the next
 * heading of any level; `undefined` when the page has no such heading.
 */
export function pageSection(page: string, heading: string): string | undefined {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start === -1) return undefined;
  const end = lines.findIndex((line, index) => index > start && /^#{1,6} /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/**
 * The names a section's tables document: the first cell of each row when it is a code span, by its last identifier
 * (`endpoints[].rateLimit` documents `rateLimit`, `@VerifyWebhook({ name })` documents `name`).
 */
export function documentedNames(section: string): Set<string> {
  const names = new Set<string>();
  for (const match of section.matchAll(/^\|\s*`([^`]+)`/gm)) {
    const identifiers = match[1]!.match(/[A-Za-z_$][\w$]*/g) ?? [];
    if (identifiers.length > 0) names.add(identifiers.at(-1)!);
  }
  return names;
}
