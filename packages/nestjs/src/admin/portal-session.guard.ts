import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { PortalTokenClaims } from './portal-token.codec.js';
import { type PortalRegistration, PortalLinks } from './portal-links.service.js';

/** Injection token of the registration's portal-link settings (`PortalRegistration`). */
export const PORTAL_REGISTRATION = Symbol('PORTAL_REGISTRATION');

/** The session each request was signed in with, by this guard: its tenant scopes the request. */
const sessions = new WeakMap<object, PortalTokenClaims>();

/** The portal session `request` was signed in with, if it came through a registration with `portalLinks`. */
export function portalSessionOf(request: unknown): PortalTokenClaims | undefined {
  return typeof request === 'object' && request !== null ? sessions.get(request) : undefined;
}

/**
 * The one guard of a registration with `portalLinks`: `Authorization: Bearer <session>` of this registration,
 * unexpired, whose link is not revoked. Anything else is a 401 in a customer's words, logged at no level.
 */
@Injectable()
export class PortalSessionGuard implements CanActivate {
  constructor(
    private readonly links: PortalLinks,
    @Inject(PORTAL_REGISTRATION) private readonly registration: PortalRegistration,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers.authorization;
    const bearer =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() || undefined : undefined;
    const session = await this.links.authenticate(this.registration, bearer);
    if ('refused' in session) throw new UnauthorizedException(session.refused);
    sessions.set(request, session);
    return true;
  }
}
