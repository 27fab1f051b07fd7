import { createHmac, timingSafeEqual } from 'node:crypto';
import { tenantError } from '../outbox/key-columns.js';

/** What a portal token is for: a link opens one session, a session calls the API. One is never the other. */
export type PortalTokenPurpose = 'portal-link' | 'portal-session';

/** What a portal token says: the link it comes from, the tenant it acts for, and when it expires (epoch ms). */
export interface PortalTokenClaims {
  /** The link's id (a session carries the id of the link it was opened with, to check revocation). */
  id: string;
  tenant: string;
  expiresAt: number;
}

/** Why a token was refused: not a token of ours, signed with another key (or changed), or past its expiry. */
export type PortalTokenRefusal = 'malformed' | 'forged' | 'expired';

/** A token longer than this is refused unread: a tenant of 191 characters of 4 bytes each still fits. */
export const MAX_PORTAL_TOKEN_LENGTH = 2048;

const MAX_ID_LENGTH = 64;
/** `<payload>.<mac>`, both base64url; the MAC is 32 bytes (43 characters). */
const SHAPE = /^[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{43}$/;

/**
 * Compact signed tokens of one portal registration: `base64url(JSON claims).base64url(HMAC-SHA256)`. The MAC key is
 * derived from the secret, the purpose and the registration's path, so a link is never accepted as a session (nor
 * the reverse), and a token of one registration never on another, even when they share a secret.
 */
export class PortalTokenCodec {
  private readonly keys: Record<PortalTokenPurpose, Buffer>;

  constructor(secret: string, path: string) {
    const derive = (purpose: PortalTokenPurpose) =>
      createHmac('sha256', secret).update(`webhook-outbox portal token\n${purpose}\n${path}`).digest();
    this.keys = { 'portal-link': derive('portal-link'), 'portal-session': derive('portal-session') };
  }

  /** A token for `purpose` carrying `claims`. */
  sign(purpose: PortalTokenPurpose, claims: PortalTokenClaims): string {
    const payload = Buffer.from(
      JSON.stringify({ i: claims.id, t: claims.tenant, e: claims.expiresAt }),
      'utf8',
    ).toString('base64url');
    return `${payload}.${this.mac(purpose, payload).toString('base64url')}`;
  }

  /**
   * The claims of `token` if it is a token for `purpose` of this registration, unexpired at `now`; otherwise why not.
   * The MAC is checked (in constant time) before anything of the payload is read.
   */
  verify(
    purpose: PortalTokenPurpose,
    token: unknown,
    now: number,
  ): { claims: PortalTokenClaims } | { refused: PortalTokenRefusal } {
    if (typeof token !== 'string' || token.length > MAX_PORTAL_TOKEN_LENGTH || !SHAPE.test(token))
      return { refused: 'malformed' };
    const [payload, mac] = token.split('.') as [string, string];
    // Compared as text: base64url's last character has spare bits, and a changed spare bit is a changed token.
    const expected = Buffer.from(this.mac(purpose, payload).toString('base64url'), 'ascii');
    if (!timingSafeEqual(Buffer.from(mac, 'ascii'), expected)) return { refused: 'forged' };
    const claims = claimsOf(payload);
    if (!claims) return { refused: 'malformed' };
    return claims.expiresAt > now ? { claims } : { refused: 'expired' };
  }

  private mac(purpose: PortalTokenPurpose, payload: string): Buffer {
    return createHmac('sha256', this.keys[purpose]).update(payload).digest();
  }
}

/** The claims of a payload we signed; `undefined` when it is not their shape (a key shared with something else). */
function claimsOf(payload: string): PortalTokenClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const { i, t, e } = (value ?? {}) as { i?: unknown; t?: unknown; e?: unknown };
  if (typeof i !== 'string' || i === '' || i.length > MAX_ID_LENGTH) return undefined;
  if (tenantError(t) !== null || typeof e !== 'number' || !Number.isFinite(e)) return undefined;
  return { id: i, tenant: t as string, expiresAt: e };
}
