import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import { encodeCursor } from '../deliveries/delivery-search.cursor.js';
import {
  endpointIdsMatching,
  MAX_MATCHED_ENDPOINTS,
  parseDeliverySearch,
  parseRecoverBody,
} from './delivery-search.query.js';

function fieldErrors(run: () => unknown): Array<{ field: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookValidationError) return [...error.errors];
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('a search query string', () => {
  it('gives every filter typed: numbers as numbers, text trimmed', () => {
    const cursor = encodeCursor({ createdAt: 5, id: 'dlv_1' });
    expect(
      parseDeliverySearch({
        q: ' msg_0194 ',
        endpointId: 'erp',
        endpoint: 'Billing',
        status: 'retrying',
        statusCode: '503',
        eventType: 'invoice.paid',
        since: '1000',
        until: '2000',
        limit: '100',
        cursor,
      }),
    ).toEqual({
      q: 'msg_0194',
      endpointId: 'erp',
      endpoint: 'Billing',
      status: 'retrying',
      statusCode: 503,
      eventType: 'invoice.paid',
      since: 1000,
      until: 2000,
      limit: 100,
      cursor,
    });
  });

  it.each([
    ['q', 'abc', 'must be the first 4 to 64 characters of a delivery id or a webhook-id.'],
    ['q', 'x'.repeat(65), 'must be the first 4 to 64 characters of a delivery id or a webhook-id.'],
    ['status', 'lost', 'must be one of pending, retrying, succeeded, failed.'],
    ['statusCode', '600', 'must be an HTTP status code, 100 to 599.'],
    ['statusCode', '5xx', 'must be an HTTP status code, 100 to 599.'],
    ['since', '-1', 'must be a time in epoch milliseconds.'],
    ['until', '', 'must be a time in epoch milliseconds.'],
    ['limit', '0', 'must be a whole number from 1 to 100.'],
    ['limit', '2.5', 'must be a whole number from 1 to 100.'],
    ['endpoint', '   ', 'must be text of 1 to 200 characters.'],
    ['cursor', 'x', "is not a cursor a search gave: pass the previous page's next, or leave it out."],
  ])('refuses %s=%j, saying why', (field, value, message) => {
    expect(fieldErrors(() => parseDeliverySearch({ [field]: value }))).toEqual([{ field, message }]);
  });

  it('refuses a filter given twice and an unknown one, naming the known ones', () => {
    expect(fieldErrors(() => parseDeliverySearch({ status: ['failed', 'pending'], tenant: 'other' }))).toEqual([
      { field: 'status', message: 'must be given once.' },
      {
        field: 'tenant',
        message:
          'is not a filter; use q, endpointId, endpoint, status, statusCode, eventType, since, until, limit, cursor.',
      },
    ]);
  });
});

describe('a recovery body', () => {
  it('takes the old body and the search fields with dryRun, numbers as JSON numbers', () => {
    expect(parseRecoverBody({ endpointId: 'erp', status: 'failed', since: 5 })).toEqual({
      endpointId: 'erp',
      status: 'failed',
      since: 5,
    });
    expect(parseRecoverBody({ statusCode: 503, status: 'pending', dryRun: true })).toEqual({
      statusCode: 503,
      status: 'pending',
      dryRun: true,
    });
  });

  it('refuses numbers written as text, a page and a cursor', () => {
    expect(fieldErrors(() => parseRecoverBody({ since: '5', cursor: 'x' }))).toEqual([
      { field: 'since', message: 'must be a time in epoch milliseconds.' },
      {
        field: 'cursor',
        message: 'is not a field; use q, endpointId, endpoint, status, statusCode, eventType, since, until, dryRun.',
      },
    ]);
  });
});

describe('endpoints found by text', () => {
  const endpoint = (id: string, url: string, description: string | null, tenant: string | null = null) =>
    ({ id, url, description, tenant }) as ResolvedWebhookEndpoint;
  const endpoints = [
    endpoint('erp', 'https://erp.example/hooks', 'Billing ERP'),
    endpoint('crm', 'https://crm.example/in', null),
    endpoint('ep_acme', 'https://acme.example/erp', 'Acme', 'acme'),
  ];

  it('match the text in their description, URL or id, case-insensitively', () => {
    expect(endpointIdsMatching(endpoints, 'billing', {})).toEqual(['erp']);
    expect(endpointIdsMatching(endpoints, 'CRM.EXAMPLE', {})).toEqual(['crm']);
    expect(endpointIdsMatching(endpoints, 'erp', {})).toEqual(['erp', 'ep_acme']);
  });

  it("are the scope's only", () => {
    expect(endpointIdsMatching(endpoints, 'erp', { tenant: 'acme' })).toEqual(['ep_acme']);
  });

  it('are refused when more match than a query takes', () => {
    const many = Array.from({ length: MAX_MATCHED_ENDPOINTS + 1 }, (_, n) => endpoint(`ep_${n}`, 'https://a', null));
    expect(fieldErrors(() => endpointIdsMatching(many, 'ep_', {}))).toEqual([
      { field: 'endpoint', message: 'matches more than 500 endpoints; use more of a name, URL or id.' },
    ]);
  });
});
