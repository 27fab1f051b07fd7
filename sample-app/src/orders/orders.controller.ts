import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { parseCreateOrder, parsePayment, parseStatusChange } from './order-input.js';
import type { Order } from './order.entity.js';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  create(@Body() body: unknown): Promise<Order> {
    return this.orders.create(parseCreateOrder(body));
  }

  @Get()
  list(): Promise<Order[]> {
    return this.orders.list();
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number): Promise<Order> {
    return this.orders.get(id);
  }

  @Patch(':id')
  changeStatus(@Param('id', ParseIntPipe) id: number, @Body() body: unknown): Promise<Order> {
    return this.orders.changeStatus(id, parseStatusChange(body).status);
  }

  @Post(':id/payments')
  recordPayment(@Param('id', ParseIntPipe) id: number, @Body() body: unknown): Promise<Order> {
    return this.orders.recordPayment(id, parsePayment(body).amount);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.orders.delete(id);
  }
}
