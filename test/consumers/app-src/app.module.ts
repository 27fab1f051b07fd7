import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookModule } from '@webhook-outbox/nestjs';
import { ErpController } from './erp.controller.js';
import { Order } from './order.entity.js';

/** A development secret: the app sends to and receives from itself. */
export const ERP_SECRET = 'whsec_Y29uc3VtZXItYXBwLWRldi1vbmx5LXNlY3JldA==';

const port = Number(process.env.PORT ?? 3000);

/** As the README wires it: TypeORM from the environment (DATABASE_OPTIONS, JSON), the module, a receiver. */
@Module({
  imports: [
    TypeOrmModule.forRoot({
      ...JSON.parse(process.env.DATABASE_OPTIONS ?? '{}'),
      entities: [Order],
      autoLoadEntities: true,
      synchronize: true,
    }),
    WebhookModule.forRoot({
      endpoints: [{ id: 'erp', url: `http://127.0.0.1:${port}/erp/webhooks`, secret: ERP_SECRET }],
      receivers: { erp: { secret: ERP_SECRET } },
      relay: { pollInterval: 100 },
      delivery: { allowHttp: true, allowPrivateNetworks: true },
    }),
  ],
  controllers: [ErpController],
})
export class AppModule {}
