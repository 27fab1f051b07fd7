import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import type { WebhookFilter, WebhookFilterScalar } from '../options/webhook-filter.types.js';

export type { WebhookFilter } from '../options/webhook-filter.types.js';

/** Whether an event (its parsed body) passes a filter. */
export type WebhookFilterPredicate = (event: unknown) => boolean;

/** A stored filter is given by a tenant over HTTP: bounded so evaluating it stays cheap. */
const MAX_FILTER_JSON = 10_000;
const MAX_DEPTH = 10;
const OPERATORS = new Set(['$eq', '$neq', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$startsWith']);
const PATH = /^[^.$][^.]*(\.[^.]+)*$/;

const isScalar = (value: unknown): value is WebhookFilterScalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with `filter`, each mistake named by its place (`filter.data.total.$gt`); empty when it is sound. */
export function checkWebhookFilter(filter: unknown, field = 'filter'): WebhookFieldError[] {
  const errors: WebhookFieldError[] = [];
  const wrong = (at: string, message: string) => errors.push({ field: at, message });
  if (!isPlainObject(filter)) {
    wrong(field, 'must be an object of conditions, e.g. { "data.status": "paid" }.');
    return errors;
  }
  let size: number;
  try {
    size = JSON.stringify(filter).length;
  } catch {
    wrong(field, 'must be plain JSON.');
    return errors;
  }
  if (size > MAX_FILTER_JSON) wrong(field, `is ${size} characters of JSON; at most ${MAX_FILTER_JSON}.`);
  else checkNode(filter, field, 1, wrong);
  return errors;
}

function checkNode(node: Record<string, unknown>, at: string, depth: number, wrong: (at: string, m: string) => void) {
  if (depth > MAX_DEPTH) return wrong(at, `nests deeper than ${MAX_DEPTH} levels.`);
  for (const [key, value] of Object.entries(node)) {
    const here = `${at}.${key}`;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) wrong(here, 'must be a non-empty list of filters.');
      else
        value.forEach((item, i) => {
          if (isPlainObject(item)) checkNode(item, `${here}[${i}]`, depth + 1, wrong);
          else wrong(`${here}[${i}]`, 'must be a filter object.');
        });
    } else if (key === '$not') {
      if (isPlainObject(value)) checkNode(value, here, depth + 1, wrong);
      else wrong(here, 'must be a filter object.');
    } else if (key.startsWith('$')) {
      wrong(here, `is not a combinator; use $and, $or or $not (operators such as ${key} go under a path).`);
    } else if (!PATH.test(key)) {
      wrong(here, 'is not a dot path such as "data.status".');
    } else if (isPlainObject(value)) {
      checkOperators(value, here, wrong);
    } else if (!isScalar(value)) {
      wrong(here, 'must be a string, number, boolean or null (equality), or an object of operators.');
    }
  }
}

function checkOperators(operators: Record<string, unknown>, at: string, wrong: (at: string, m: string) => void) {
  const names = Object.keys(operators);
  if (names.length === 0) wrong(at, 'has no operator; use one of $eq, $neq, $gt, ... or a plain value.');
  for (const name of names) {
    const operand = operators[name];
    const here = `${at}.${name}`;
    if (!OPERATORS.has(name)) wrong(here, `is not an operator; use ${[...OPERATORS].join(', ')}.`);
    else if ((name === '$eq' || name === '$neq') && !isScalar(operand))
      wrong(here, 'must be a string, number, boolean or null.');
    else if (
      ['$gt', '$gte', '$lt', '$lte'].includes(name) &&
      typeof operand !== 'number' &&
      typeof operand !== 'string'
    )
      wrong(here, 'must be a number or a string.');
    else if ((name === '$in' || name === '$nin') && !(Array.isArray(operand) && operand.every(isScalar)))
      wrong(here, 'must be a list of strings, numbers, booleans or nulls.');
    else if (name === '$exists' && typeof operand !== 'boolean') wrong(here, 'must be true or false.');
    else if (name === '$startsWith' && typeof operand !== 'string') wrong(here, 'must be a string.');
  }
}

/** The value at a dot path, or `undefined` (list items by index: `items.0`). */
function valueAt(event: unknown, path: readonly string[]): unknown {
  let node = event;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A number compared with a numeric string compares as numbers: decimals are sent as strings. */
function comparable(value: unknown, operand: unknown): [unknown, unknown] {
  if (typeof operand === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(+value))
    return [Number(value), operand];
  return [value, operand];
}

function equals(value: unknown, operand: unknown): boolean {
  const [a, b] = comparable(value, operand);
  return a === b;
}

function ordered(value: unknown, operand: unknown, test: (order: number) => boolean): boolean {
  const [a, b] = comparable(value, operand);
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  return test(a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0);
}

function compileOperator(name: string, operand: unknown): (value: unknown) => boolean {
  switch (name) {
    case '$eq':
      return (value) => equals(value, operand);
    case '$neq':
      return (value) => !equals(value, operand);
    case '$gt':
      return (value) => ordered(value, operand, (order) => order > 0);
    case '$gte':
      return (value) => ordered(value, operand, (order) => order >= 0);
    case '$lt':
      return (value) => ordered(value, operand, (order) => order < 0);
    case '$lte':
      return (value) => ordered(value, operand, (order) => order <= 0);
    case '$in':
      return (value) => (operand as unknown[]).some((item) => equals(value, item));
    case '$nin':
      return (value) => !(operand as unknown[]).some((item) => equals(value, item));
    case '$exists':
      return (value) => (value !== undefined) === operand;
    default: // $startsWith
      return (value) => typeof value === 'string' && value.startsWith(operand as string);
  }
}

/** A filter (checked with `checkWebhookFilter` first) as a function, built once per endpoint definition. */
export function compileWebhookFilter(filter: WebhookFilter): WebhookFilterPredicate {
  const tests: WebhookFilterPredicate[] = Object.entries(filter).map(([key, value]) => {
    if (key === '$and') {
      const all = (value as WebhookFilter[]).map(compileWebhookFilter);
      return (event) => all.every((test) => test(event));
    }
    if (key === '$or') {
      const any = (value as WebhookFilter[]).map(compileWebhookFilter);
      return (event) => any.some((test) => test(event));
    }
    if (key === '$not') {
      const inner = compileWebhookFilter(value as WebhookFilter);
      return (event) => !inner(event);
    }
    const path = key.split('.');
    const checks = isPlainObject(value)
      ? Object.entries(value).map(([name, operand]) => compileOperator(name, operand))
      : [compileOperator('$eq', value)];
    return (event) => {
      const found = valueAt(event, path);
      return checks.every((check) => check(found));
    };
  });
  return (event) => tests.every((test) => test(event));
}
