import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { WebhookPublisher } from '@webhook-outbox/nestjs';
import type { DataSource, Repository } from 'typeorm';
import type { CreateOrderInput } from './order-input.js';
import { Order } from './order.entity.js';

/**
 * Plain TypeORM: save() and remove() are all it takes. Each runs in a transaction, and the webhook module writes
 * the matching outbox event into that same transaction.
 */
@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhookPublisher,
  ) {}

  create(input: CreateOrderInput): Promise<Order> {
    return this.orders.save(this.orders.create({ ...input, status: 'new' }));
  }

  list(): Promise<Order[]> {
    return this.orders.find({ order: { id: 'DESC' }, take: 100 });
  }

  async get(id: number): Promise<Order> {
    const order = await this.orders.findOneBy({ id });
    if (!order) throw new NotFoundException(`Order ${id} does not exist.`);
    return order;
  }

  async changeStatus(id: number, status: string): Promise<Order> {
    const order = await this.get(id);
    order.status = status;
    return this.orders.save(order);
  }

  /**
   * A payment is not an entity of this shop, so its webhook is published explicitly, in the same transaction as the
   * order's status change: both webhooks (order.updated and payment.recorded) go out, or neither does.
   */
  async recordPayment(id: number, amount: number): Promise<Order> {
    return this.dataSource.transaction(async (manager) => {
      const order = await manager.findOneBy(Order, { id });
      if (!order) throw new NotFoundException(`Order ${id} does not exist.`);
      order.status = 'paid';
      await manager.save(order);
      await this.webhooks.publish(manager, { type: 'payment.recorded', data: { orderId: id, amount } });
      return order;
    });
  }

  async delete(id: number): Promise<void> {
    await this.orders.remove(await this.get(id));
  }
}
