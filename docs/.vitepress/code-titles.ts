import type { MarkdownRenderer } from 'vitepress';

/**
 * Shows a code block's `[file name]` above it. VitePress uses the title only as a tab inside `::: code-group` and
 * drops it elsewhere, yet the docs name the file of every block a reader should create.
 */
export function codeTitles(md: MarkdownRenderer): void {
  md.core.ruler.push('standalone_code_titles', (state) => {
    let groups = 0;
    for (const token of state.tokens) {
      if (token.type === 'container_code-group_open') groups++;
      else if (token.type === 'container_code-group_close') groups--;
      else if (token.type === 'fence' && groups === 0) {
        const title = /\[([^\]]+)\]/.exec(token.info)?.[1];
        if (title) token.meta = { ...token.meta, standaloneTitle: title };
      }
    }
  });
  const fence = md.renderer.rules.fence;
  if (!fence) return;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const html = fence(tokens, index, options, env, self);
    const title: string | undefined = tokens[index]?.meta?.standaloneTitle;
    return title ? `<div class="code-title">${md.utils.escapeHtml(title)}</div>${html}` : html;
  };
}
