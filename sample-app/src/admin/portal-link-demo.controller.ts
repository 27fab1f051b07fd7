import { Controller, Post, type Type, UseGuards } from '@nestjs/common';
import { WebhookPortal } from '@webhook-outbox/nestjs';
import { AdminTokenGuard } from './admin-token.guard.js';

/**
 * `POST /demo/portal-link` (behind ADMIN_TOKEN): a portal link for the demo shop, as a real app's "Manage webhooks"
 * button would mint one for the signed-in customer. Open `url` on this server: the portal opens, scoped to the shop.
 */
export function portalLinkDemoController(adminToken: string, tenant: string): Type {
  @Controller('demo')
  @UseGuards(new AdminTokenGuard(adminToken))
  class PortalLinkDemoController {
    constructor(private readonly portal: WebhookPortal) {}

    @Post('portal-link')
    create() {
      return this.portal.createLink({ tenant });
    }
  }
  return PortalLinkDemoController;
}
