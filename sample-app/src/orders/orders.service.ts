import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { CreateOrderInput } from './order-input.js';
import { Order } from './order.entity.js';

/**
 * Plain TypeORM: save() and remove() are all it takes. Each runs in a transaction, and the webhook module writes
 * the matching outbox event into that same transaction.
 */
@Injectable()
export class OrdersService {
  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>) {}

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

  async delete(id: number): Promise<void> {
    await this.orders.remove(await this.get(id));
  }
}
