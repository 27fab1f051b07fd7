import { type CodeBlock, codeBlocks } from './markdown-code-blocks.js';

/** What a reader of the Getting started page writes and runs, in the page's order. */
export interface QuickStart {
  /** Every titled block, by its path in the application (a variant's block replaces the main path's). */
  files: Map<string, string>;
  /** Every line of every ```bash block: comments dropped, `\` continuations joined. */
  commands: string[];
}

/** The main path is the numbered steps (`## 1. Install` ...); a variant is a section of its own (`## Using SQLite instead`). */
const STEP = /^\d+\.\s/;

function shellCommands(block: CodeBlock): string[] {
  return block.code
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

function collect(blocks: CodeBlock[], into: QuickStart): void {
  for (const block of blocks) {
    if (block.title) into.files.set(block.title, block.code.endsWith('\n') ? block.code : `${block.code}\n`);
    if (block.lang === 'bash' || block.lang === 'sh') into.commands.push(...shellCommands(block));
  }
}

/**
 * The application the page builds: its numbered steps, or with `variant` (the start of a section's heading, e.g.
 * `Using SQLite`) that section's files on top and its commands right after the main path's installs, as a reader
 * switching to it would do.
 */
export function quickStart(markdown: string, variant?: string): QuickStart {
  const blocks = codeBlocks(markdown);
  const main: QuickStart = { files: new Map(), commands: [] };
  collect(
    blocks.filter((block) => STEP.test(block.section)),
    main,
  );
  if (!variant) return main;
  const extra: QuickStart = { files: new Map(), commands: [] };
  const variantBlocks = blocks.filter((block) => block.section.startsWith(variant));
  if (variantBlocks.length === 0) throw new Error(`The page has no section "${variant}…" with code.`);
  collect(variantBlocks, extra);
  const installs = main.commands.filter((command) => command.startsWith('npm install'));
  const rest = main.commands.filter((command) => !command.startsWith('npm install'));
  return {
    files: new Map([...main.files, ...extra.files]),
    commands: [...installs, ...extra.commands, ...rest],
  };
}
