import { describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from '../outbox/outbox-store.js';
import { countByEndpoint } from './relay-round.js';

const to = (endpointId: string) => ({ endpointId }) as ClaimedDelivery;

describe('countByEndpoint', () => {
  it('counts the deliveries of each endpoint, and none for an empty round', () => {
    expect(countByEndpoint([to('erp'), to('crm'), to('erp')])).toEqual(
      new Map([
        ['erp', 2],
        ['crm', 1],
      ]),
    );
    expect(countByEndpoint([])).toEqual(new Map());
  });
});
