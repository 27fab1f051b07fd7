import { api, token } from './api-client.js';

/** What opening the page with a portal link came to. */
export type PortalLinkOutcome = 'none' | 'signed-in' | { error: string };

/** Set in the tab once a link signed it in: a refused session then asks for a new link, not for a token. */
const OPENED_BY_LINK = 'webhook-outbox.opened-by-link';

/**
 * Whether this tab was signed in by a portal link (this session or an earlier one of the tab). When its session is
 * refused (expired, revoked), the page has no token to ask for: it says to open the portal again from the app.
 */
export function openedByLink(): boolean {
  return sessionStorage.getItem(OPENED_BY_LINK) !== null;
}

/** The session the API opens for a link (`POST portal-session`). */
interface PortalSession {
  token: string;
  tenant: string;
  expiresAt: number;
}

/**
 * Signs the tab in with the portal link in the address, if there is one (`#link=<token>`, minted by the host app's
 * `WebhookPortal.createLink()`). The link is removed from the address bar (and this history entry) before any
 * request, so it is in no reload, bookmark or screenshot; then it is exchanged, once, for a session of this tab
 * (sessionStorage, like a typed token). Call it at start-up, before deciding whether to ask for a token:
 * `'none'` without a link, `'signed-in'`, or `{ error }` in words for the customer (the link was used, expired…);
 * after an error, a session the tab already had is kept.
 */
export async function exchangePortalLink(): Promise<PortalLinkOutcome> {
  const match = /^#link=([^&]*)/.exec(location.hash);
  if (!match) return 'none';
  // The overview, in place of the link: no history entry keeps it, and the router hears of the change.
  history.replaceState(history.state, '', `${location.pathname}${location.search}#/`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  let link: string;
  try {
    link = decodeURIComponent(match[1] ?? '');
  } catch {
    link = '';
  }
  try {
    const session = await api<PortalSession>('portal-session', { method: 'POST', body: { link } });
    token.set(session.token);
    sessionStorage.setItem(OPENED_BY_LINK, '1');
    return 'signed-in';
  } catch (error) {
    return { error: (error as Error).message };
  }
}
