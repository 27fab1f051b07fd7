import { Global, Module } from '@nestjs/common';
import { PortalLinks } from './portal-links.service.js';
import { WebhookPortal } from './webhook-portal.service.js';

/**
 * The application's one `WebhookPortal` (and the links' store behind it), imported by every admin registration
 * with `portalLinks`: Nest builds a static module once per application, and being global, the application's own
 * modules inject `WebhookPortal` without importing anything.
 */
@Global()
@Module({ providers: [PortalLinks, WebhookPortal], exports: [PortalLinks, WebhookPortal] })
export class WebhookPortalModule {}
