import { Get, Header, NotFoundException, Param, Req, Res, StreamableFile } from '@nestjs/common';
import { adminUiAssets } from './admin-ui.assets.js';

/**
 * Serves the dashboard: its page and its files. The page is only a shell, with no data and no secret in it; the data
 * comes from the admin API, behind the application's guards and tenant resolver, with the token the page asks for.
 * A browser cannot attach a bearer token to a page it navigates to, so the shell itself is not behind the guards.
 */
export abstract class AdminUiController {
  /** The page's Content-Security-Policy: its own files only, nothing inline, framed as the options allow. */
  protected abstract readonly contentSecurityPolicy: string;
  /** How the page signs in: a token the reader types, or (a portal opened by links) only a link. */
  protected abstract readonly signIn: 'token' | 'link';

  @Get('ui')
  page(@Req() request: { originalUrl?: string; url?: string }, @Res({ passthrough: true }) response: unknown) {
    const path = (request.originalUrl ?? request.url ?? '/').split('?')[0]!;
    // The page's files and API calls are relative to it, with or without the trailing slash.
    const base = path.endsWith('/') ? path : `${path}/`;
    setHeaders(response, {
      'content-security-policy': this.contentSecurityPolicy,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    const head = `<head>\n    <base href="${escapeAttribute(base)}" />\n    <meta name="webhook-outbox-sign-in" content="${this.signIn}" />`;
    const html = adminUiAssets().index.replace('<head>', head);
    return new StreamableFile(Buffer.from(html), { type: 'text/html; charset=utf-8' });
  }

  @Get('ui/assets/:file')
  @Header('cache-control', 'public, max-age=31536000, immutable')
  @Header('x-content-type-options', 'nosniff')
  asset(@Param('file') file: string) {
    const found = adminUiAssets().files.get(file);
    if (!found) throw new NotFoundException();
    return new StreamableFile(found.body, { type: found.type });
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Express (`setHeader`) or Fastify (`header`). */
function setHeaders(response: unknown, headers: Record<string, string>): void {
  const target = response as { setHeader?: (n: string, v: string) => void; header?: (n: string, v: string) => void };
  for (const [name, value] of Object.entries(headers)) {
    if (typeof target.setHeader === 'function') target.setHeader(name, value);
    else target.header?.(name, value);
  }
}
