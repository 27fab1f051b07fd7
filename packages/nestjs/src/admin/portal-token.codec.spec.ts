import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_PORTAL_TOKEN_LENGTH, PortalTokenCodec } from './portal-token.codec.js';

const SECRET = 'a-portal-secret-of-at-least-32-characters';
const NOW = 1_800_000_000_000;
const claims = { id: 'pl_0123', tenant: 'acme', expiresAt: NOW + 60_000 };
const codec = new PortalTokenCodec(SECRET, 'portal/webhooks');

describe('portal token codec', () => {
  it('gives back the claims of a token it signed, before expiry', () => {
    const token = codec.sign('portal-link', claims);
    expect(codec.verify('portal-link', token, NOW)).toEqual({ claims });
  });

  it('is compact: a token of a short tenant fits in 150 characters of URL-safe text', () => {
    const token = codec.sign('portal-session', claims);
    expect(token.length).toBeLessThan(150);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a token at or after its expiry as expired', () => {
    const token = codec.sign('portal-link', claims);
    expect(codec.verify('portal-link', token, claims.expiresAt)).toEqual({ refused: 'expired' });
  });

  it('never accepts a link as a session, nor a session as a link', () => {
    expect(codec.verify('portal-session', codec.sign('portal-link', claims), NOW)).toEqual({ refused: 'forged' });
    expect(codec.verify('portal-link', codec.sign('portal-session', claims), NOW)).toEqual({ refused: 'forged' });
  });

  it("refuses another registration's token, even with the same secret", () => {
    const other = new PortalTokenCodec(SECRET, 'other/webhooks');
    expect(codec.verify('portal-session', other.sign('portal-session', claims), NOW)).toEqual({ refused: 'forged' });
  });

  it('refuses a token signed with another secret', () => {
    const other = new PortalTokenCodec(`${SECRET}!`, 'portal/webhooks');
    expect(codec.verify('portal-link', other.sign('portal-link', claims), NOW)).toEqual({ refused: 'forged' });
  });

  it('refuses a token whose claims were changed (another tenant, a later expiry)', () => {
    const [, mac] = codec.sign('portal-link', claims).split('.');
    for (const changed of [
      { ...claims, tenant: 'globex' },
      { ...claims, expiresAt: NOW + 86_400_000 },
    ]) {
      const payload = Buffer.from(JSON.stringify({ i: changed.id, t: changed.tenant, e: changed.expiresAt })).toString(
        'base64url',
      );
      expect(codec.verify('portal-link', `${payload}.${mac}`, NOW)).toEqual({ refused: 'forged' });
    }
  });

  it('refuses a token with any one character of its signature changed, including the spare bits of the last', () => {
    const token = codec.sign('portal-link', claims);
    for (let i = token.indexOf('.') + 1; i < token.length; i++) {
      const swapped = token[i] === 'A' ? 'B' : token[i] === 'B' ? 'C' : 'A';
      const changed = `${token.slice(0, i)}${swapped}${token.slice(i + 1)}`;
      expect(codec.verify('portal-link', changed, NOW)).toEqual({ refused: 'forged' });
    }
    const last = token.at(-1)!;
    const spare = String.fromCharCode(last.charCodeAt(0) ^ 1);
    if (/[A-Za-z0-9_-]/.test(spare))
      expect(codec.verify('portal-link', `${token.slice(0, -1)}${spare}`, NOW)).toEqual({ refused: 'forged' });
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['without a signature', 'eyJpIjoxfQ'],
    ['too long', `${'a'.repeat(MAX_PORTAL_TOKEN_LENGTH)}.${'b'.repeat(43)}`],
    ['with characters outside base64url', 'ab+c.defg'],
  ])('refuses a token %s as malformed, reading nothing', (_, token) => {
    expect(codec.verify('portal-link', token, NOW)).toEqual({ refused: 'malformed' });
  });

  it('refuses a correctly signed payload that is not claims of ours as malformed', () => {
    // Signed with the right key (as if the secret were shared with another use), but not our claims' shape.
    const key = createHmac('sha256', SECRET)
      .update('webhook-outbox portal token\nportal-link\nportal/webhooks')
      .digest();
    const payload = Buffer.from(JSON.stringify({ i: 'pl_1', t: '', e: NOW + 1 })).toString('base64url');
    const mac = createHmac('sha256', key).update(payload).digest('base64url');
    expect(codec.verify('portal-link', `${payload}.${mac}`, NOW)).toEqual({ refused: 'malformed' });
  });
});
