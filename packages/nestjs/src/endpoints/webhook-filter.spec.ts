import { describe, expect, it } from 'vitest';
import { checkWebhookFilter, compileWebhookFilter, type WebhookFilter } from './webhook-filter.js';

const paid = {
  type: 'order.updated',
  data: { id: 7, status: 'paid', total: '120.50', customer: { country: 'DE' }, items: [{ sku: 'A1' }], note: null },
  changes: { status: { old: 'new', new: 'paid' } },
};
const matches = (filter: WebhookFilter, event: unknown = paid) => compileWebhookFilter(filter)(event);

describe('webhook filters', () => {
  it('match a value at a dot path by equality, every condition of an object holding', () => {
    expect(matches({ type: 'order.updated', 'data.status': 'paid' })).toBe(true);
    expect(matches({ type: 'order.updated', 'data.status': 'new' })).toBe(false);
    expect(matches({ 'data.customer.country': 'DE', 'data.items.0.sku': 'A1' })).toBe(true);
  });

  it('compare with $eq, $neq, $gt, $gte, $lt and $lte', () => {
    expect(matches({ 'data.id': { $gt: 5, $lte: 7 } })).toBe(true);
    expect(matches({ 'data.id': { $gte: 8 } })).toBe(false);
    expect(matches({ 'data.id': { $lt: 7 } })).toBe(false);
    expect(matches({ 'data.status': { $neq: 'new', $eq: 'paid' } })).toBe(true);
    expect(matches({ 'data.customer.country': { $gt: 'CH' } })).toBe(true);
  });

  it('compare a number with a decimal sent as a string by value', () => {
    expect(matches({ 'data.total': { $gte: 100 } })).toBe(true);
    expect(matches({ 'data.total': 120.5 })).toBe(true);
    expect(matches({ 'data.total': { $gt: 200 } })).toBe(false);
  });

  it('never order values of different kinds', () => {
    expect(matches({ 'data.status': { $gt: 1 } })).toBe(false);
    expect(matches({ 'data.id': { $lt: 'z' } })).toBe(false);
  });

  it('test membership with $in and $nin', () => {
    expect(matches({ 'changes.status.new': { $in: ['paid', 'shipped'] } })).toBe(true);
    expect(matches({ 'changes.status.new': { $nin: ['paid', 'shipped'] } })).toBe(false);
    expect(matches({ 'data.missing': { $nin: ['x'] } })).toBe(true);
  });

  it('tell a missing value from a null one with $exists', () => {
    expect(matches({ 'data.note': { $exists: true } })).toBe(true);
    expect(matches({ 'data.note': null })).toBe(true);
    expect(matches({ 'data.missing': { $exists: false } })).toBe(true);
    expect(matches({ 'changes.total': { $exists: true } })).toBe(false);
  });

  it('match a prefix with $startsWith, strings only', () => {
    expect(matches({ type: { $startsWith: 'order.' } })).toBe(true);
    expect(matches({ 'data.id': { $startsWith: '7' } })).toBe(false);
  });

  it('combine filters with $and, $or and $not', () => {
    expect(matches({ $or: [{ 'data.status': 'new' }, { 'data.total': { $gt: 100 } }] })).toBe(true);
    expect(matches({ $and: [{ type: 'order.updated' }, { $not: { 'data.status': 'paid' } }] })).toBe(false);
    expect(matches({ $not: { 'data.customer.country': { $in: ['FR', 'IT'] } } })).toBe(true);
  });

  it('does not match through values that are not objects', () => {
    expect(matches({ 'data.status.length': 4 })).toBe(false);
    expect(matches({ 'data.id': 7 }, 'not an event')).toBe(false);
  });

  it('accepts a sound filter without a word', () => {
    expect(
      checkWebhookFilter({ type: 'order.updated', $or: [{ 'data.total': { $gte: 100 } }, { 'data.vip': true }] }),
    ).toEqual([]);
  });

  it('names each mistake by its place in the filter', () => {
    expect(
      checkWebhookFilter({
        'data.total': { $gt: [1], $like: 'x' },
        $or: [],
        $where: 'this.total > 1',
        'data.tags': ['a'],
        $not: { 'data.status': { $in: 'paid' } },
      }),
    ).toEqual([
      { field: 'filter.data.total.$gt', message: 'must be a number or a string.' },
      { field: 'filter.data.total.$like', message: expect.stringMatching(/^is not an operator; use \$eq, \$neq/) },
      { field: 'filter.$or', message: 'must be a non-empty list of filters.' },
      { field: 'filter.$where', message: expect.stringMatching(/^is not a combinator/) },
      { field: 'filter.data.tags', message: expect.stringMatching(/^must be a string, number, boolean or null/) },
      { field: 'filter.$not.data.status.$in', message: 'must be a list of strings, numbers, booleans or nulls.' },
    ]);
  });

  it('refuses what is not an object, and filters too large or too deep to evaluate cheaply', () => {
    expect(checkWebhookFilter('data.status = paid')[0]?.field).toBe('filter');
    const wide = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`data.f${i}`, 'value']));
    expect(checkWebhookFilter(wide)[0]?.message).toMatch(/at most 10000/);
    let deep: WebhookFilter = { type: 'x' };
    for (let i = 0; i < 12; i++) deep = { $not: deep };
    expect(checkWebhookFilter(deep).at(-1)?.message).toBe('nests deeper than 10 levels.');
  });
});
