import { BadRequestException } from '@nestjs/common';
import type { OrderItem } from './order.entity.js';

export interface CreateOrderInput {
  customer: string;
  items: OrderItem[];
  total: number;
  /** The marketplace shop (tenant) the order belongs to; none for the shop's own orders. */
  shop?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a POST /orders body, answering 400 with what is wrong. */
export function parseCreateOrder(body: unknown): CreateOrderInput {
  if (!isRecord(body)) throw new BadRequestException('Send a JSON object: { customer, items: [{ sku, qty }], total }.');
  const { customer, items, total, shop } = body;
  const problems: string[] = [];
  if (typeof customer !== 'string' || customer.trim() === '' || customer.length > 200)
    problems.push('customer must be a non-empty string of at most 200 characters');
  if (!Array.isArray(items) || items.length === 0) problems.push('items must be a non-empty array');
  else
    items.forEach((item, i) => {
      if (!isRecord(item) || typeof item.sku !== 'string' || item.sku === '')
        problems.push(`items[${i}].sku must be a non-empty string`);
      if (!isRecord(item) || !Number.isInteger(item.qty) || (item.qty as number) < 1)
        problems.push(`items[${i}].qty must be a whole number ≥ 1`);
    });
  if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) problems.push('total must be a number ≥ 0');
  if (shop !== undefined && (typeof shop !== 'string' || !/^[a-z0-9-]{1,60}$/.test(shop)))
    problems.push('shop must be lowercase letters, digits and dashes, at most 60');
  if (problems.length > 0) throw new BadRequestException(problems);
  return {
    customer: customer as string,
    items: (items as OrderItem[]).map(({ sku, qty }) => ({ sku, qty })),
    total: total as number,
    ...(shop !== undefined && { shop: shop as string }),
  };
}

/** Checks a PATCH /orders/:id body. */
export function parseStatusChange(body: unknown): { status: string } {
  if (!isRecord(body) || typeof body.status !== 'string' || body.status.trim() === '' || body.status.length > 40) {
    throw new BadRequestException(
      'Send { "status": "<new status>" } with a non-empty status of at most 40 characters.',
    );
  }
  return { status: body.status };
}

/** Checks a POST /orders/:id/payments body. */
export function parsePayment(body: unknown): { amount: number } {
  if (!isRecord(body) || typeof body.amount !== 'number' || !Number.isFinite(body.amount) || body.amount <= 0) {
    throw new BadRequestException('Send { "amount": <a number > 0> }.');
  }
  return { amount: body.amount };
}
