import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { ErpController } from './erp.controller.js';
import { Order } from './order.entity.js';

/** Saves an order and waits until its order.created webhook has come back through the guard; exit 0 if it did. */
async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: ['error', 'warn'] });
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  const order = await app.get(DataSource).getRepository(Order).save({ customer: 'Ada', total: '9.90' });
  const erp = app.get(ErpController);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const webhook = erp.received.find((w) => w.type === 'order.created' && w.data.id === order.id);
    if (webhook) {
      console.log(`delivered ${JSON.stringify(webhook)}`);
      break;
    }
    if (Date.now() > deadline) throw new Error('order.created was not delivered within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
