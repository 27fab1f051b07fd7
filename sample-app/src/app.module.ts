import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookAdminModule, WebhookModule, type WebhookEndpointOptions } from '@webhook-outbox/nestjs';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { portalLinkDemoController } from './admin/portal-link-demo.controller.js';
import type { SampleConfig } from './config/sample-config.js';
import { ErpController } from './erp/erp.controller.js';
import { HealthController } from './observability/health.controller.js';
import { MetricsController } from './observability/metrics.controller.js';
import { ErpRecord } from './erp/erp-record.entity.js';
import { Order } from './orders/order.entity.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService } from './orders/orders.service.js';

/** The marketplace shop whose customer portal the sample mounts at /portal/webhooks/ui/. */
export const DEMO_SHOP = 'demo-shop';

/** The shop and its ERP receiver, wired for one configuration. */
@Module({})
export class AppModule {
  static forConfig(config: SampleConfig): DynamicModule {
    const endpoints: WebhookEndpointOptions[] = [
      // The shop's own ERP receiver, in this same app. A development app may deliver over http to itself.
      {
        id: 'erp',
        url: `http://127.0.0.1:${config.port}/erp/webhooks`,
        secret: config.erpSecret,
        eventTypes: ['order.*', 'payment.*'],
      },
    ];
    if (config.externalTarget) endpoints.push({ id: 'external', ...config.externalTarget, eventTypes: ['*'] });

    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...config.database,
          entities: [Order, ErpRecord],
          autoLoadEntities: true,
          // A demo app creates its schema on first run; production uses the package's migrations.
          synchronize: true,
        } as Parameters<typeof TypeOrmModule.forRoot>[0]),
        TypeOrmModule.forFeature([Order, ErpRecord]),
        TerminusModule,
        WebhookModule.forRoot({
          endpoints,
          // Published explicitly (OrdersService.recordPayment), not an entity change: declared so endpoints can subscribe.
          eventTypes: ['payment.recorded'],
          receivers: { erp: { secret: config.erpSecret } },
          relay: { pollInterval: 500 },
          // The demo delivers to its own ERP over http on 127.0.0.1, which the SSRF protection refuses by default.
          // A production app leaves both off: https only, public addresses only.
          delivery: { allowHttp: true, allowPrivateNetworks: true },
        }),
        // The admin API (endpoints, secrets, delivery log) exists only when a token protects it.
        ...(config.adminToken
          ? [
              WebhookAdminModule.register({
                path: 'admin/webhooks',
                guards: [new AdminTokenGuard(config.adminToken)],
                // The dashboard at /admin/webhooks/ui/, asking for ADMIN_TOKEN once per browser session.
                ui: true,
              }),
              // The same page as a customer portal, scoped to one marketplace shop: it sees and manages that shop's
              // endpoints and deliveries only. A real app resolves the tenant from its own login (request.user).
              WebhookAdminModule.register({
                path: 'portal/webhooks',
                guards: [new AdminTokenGuard(config.adminToken)],
                tenant: () => DEMO_SHOP,
                ui: true,
              }),
              // The portal a customer opens with a link the app mints (WebhookPortal.createLink, here by
              // POST /demo/portal-link): no guard of the app's own, each link opens one session of its tenant.
              WebhookAdminModule.register({
                path: 'customer-portal/webhooks',
                portalLinks: { secret: config.portalLinkSecret! },
                ui: true,
              }),
            ]
          : []),
      ],
      controllers: [
        OrdersController,
        ErpController,
        MetricsController,
        HealthController,
        ...(config.adminToken ? [portalLinkDemoController(config.adminToken, DEMO_SHOP)] : []),
      ],
      providers: [OrdersService],
    };
  }
}
