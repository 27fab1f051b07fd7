import { generateWebhookSecret } from '@webhook-outbox/signature';
import { describe, expect, it } from 'vitest';
import { resolveWebhookReceiver } from './webhook-receiver.js';

const secret = generateWebhookSecret();

describe('resolveWebhookReceiver', () => {
  it('gives a receiver a 10 s bodyTimeout and the default XML limits unless it sets them', () => {
    expect(resolveWebhookReceiver({ secret }, 'test')).toMatchObject({
      bodyTimeout: 10_000,
      xmlLimits: { maxDepth: 100, maxElements: 10_000, maxAttributes: 100 },
    });
    expect(
      resolveWebhookReceiver({ secret, bodyTimeout: 300, xmlLimits: { maxElements: 50_000 } }, 'test'),
    ).toMatchObject({ bodyTimeout: 300, xmlLimits: { maxDepth: 100, maxElements: 50_000, maxAttributes: 100 } });
  });

  it('refuses a bodyTimeout or an XML limit that is not a whole number ≥ 1, naming the option', () => {
    expect(() => resolveWebhookReceiver({ secret, bodyTimeout: 0 }, 'receivers.erp')).toThrow(
      /receivers\.erp: bodyTimeout must be a whole number of milliseconds ≥ 1; got 0/,
    );
    expect(() => resolveWebhookReceiver({ secret, xmlLimits: { maxDepth: 1.5 } }, 'receivers.erp')).toThrow(
      /receivers\.erp: xmlLimits\.maxDepth must be a whole number ≥ 1; got 1\.5/,
    );
  });
});
