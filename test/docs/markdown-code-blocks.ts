/** One fenced code block of a Markdown page. */
export interface CodeBlock {
  /** The fence's language, lower case (`ts`, `bash`, ''). */
  lang: string;
  /** The file title VitePress shows (`ts [src/main.ts]` → `src/main.ts`), if any. */
  title?: string;
  /** 1-based line in the page of the block's first code line (the line after the fence). */
  line: number;
  code: string;
  /** Preceded by `<!-- snippet: fragment -->`: deliberately incomplete, not compiled. */
  fragment: boolean;
  /** The text of the `##` heading the block sits under ('' before the first one). */
  section: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const FRAGMENT_MARK = /^<!--\s*snippet:\s*fragment\s*-->$/;

/** The info string after a fence: ```ts{2,4} [src/app.module.ts] :line-numbers → lang `ts`, title `src/...`. */
function parseInfo(info: string): { lang: string; title?: string } {
  const lang = (/^[\w-]*/.exec(info.trim())?.[0] ?? '').toLowerCase();
  const title = /\[([^\]]+)\]/.exec(info)?.[1]?.trim();
  return title ? { lang, title } : { lang };
}

/**
 * Every fenced code block of a page, in order, with what the docs' conventions attach to it: its file title, the
 * fragment mark on the line before, and the section it belongs to. Indented fences (inside `::: code-group`,
 * lists) count too; their indentation is removed from the code.
 */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^##\s+(.*)$/.exec(lines[i]!);
    if (heading) section = heading[1]!.trim();
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const start = i + 1;
    let end = start;
    while (end < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[end]!)) end++;
    const code = lines
      .slice(start, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
      .join('\n');
    const previous = lines.slice(0, i).findLast((line) => line.trim() !== '') ?? '';
    blocks.push({
      ...parseInfo(info),
      line: start + 1,
      code,
      fragment: FRAGMENT_MARK.test(previous.trim()),
      section,
    });
    i = end;
  }
  return blocks;
}

/** Whether a block is TypeScript (```ts or ```typescript, with or without a title). */
export function isTypeScript(block: CodeBlock): boolean {
  return block.lang === 'ts' || block.lang === 'typescript';
}
