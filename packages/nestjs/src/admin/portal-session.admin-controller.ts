import { Body, Header, HttpCode, Inject, Injectable, Post, UnauthorizedException } from '@nestjs/common';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import { objectBody } from './endpoints.admin-controller.js';
import { type PortalRegistration, PortalLinks } from './portal-links.service.js';
import { PORTAL_REGISTRATION } from './portal-session.guard.js';

/**
 * `POST portal-session` `{ link }`: exchanges a portal link for a session of the browser tab, answering 201
 * `{ token, tenant, expiresAt }` (`Cache-Control: no-store`). Guarded by the link alone: its signature is checked
 * before the database is read, and it opens one session. An invalid, expired, used or revoked link is a 401 saying
 * so in a customer's words.
 */
@Injectable()
export class PortalSessionAdminController {
  constructor(
    private readonly links: PortalLinks,
    @Inject(PORTAL_REGISTRATION) private readonly registration: PortalRegistration,
  ) {}

  @Post('portal-session')
  @HttpCode(201)
  @Header('cache-control', 'no-store')
  async open(@Body() body: { link?: unknown }) {
    const { link } = objectBody(body ?? {});
    // Any string is the link's to judge (401 when it is not one, however long: the codec reads no more than its limit).
    if (typeof link !== 'string')
      throw new WebhookValidationError([{ field: 'link', message: 'must be the token of a portal link (a string).' }]);
    const session = await this.links.exchange(this.registration, link);
    if ('refused' in session) throw new UnauthorizedException(session.refused);
    return session;
  }
}
