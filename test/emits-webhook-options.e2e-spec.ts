import { generateWebhookSecret, WebhookEventEntity, WebhookPayloadError } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { Invoice } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('@EmitsWebhook options on %s', (kind) => {
  const context = useWebhookTestContext(kind);
  const startManual = () => context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }));

  async function emitted(dataSource: import('typeorm').DataSource) {
    const events = await dataSource.getRepository(WebhookEventEntity).find({ order: { occurredAt: 'ASC' } });
    return events.map((event) => JSON.parse(event.payload) as { type: string; data: Record<string, unknown> });
  }

  it('uses the given name for the event types and the payload function for data (bigint as a string)', async () => {
    const { dataSource } = await startManual();
    await dataSource.getRepository(Invoice).save({ number: 'INV-1', amountCents: 1200 });

    expect(await emitted(dataSource)).toEqual([
      expect.objectContaining({
        type: 'billing.invoice.created',
        data: { number: 'INV-1', amountCents: '1200', kind: 'insert' },
      }),
    ]);
  });

  it('emits an update only when the condition holds', async () => {
    const { dataSource } = await startManual();
    const invoices = dataSource.getRepository(Invoice);
    const invoice = await invoices.save({ number: 'INV-2', amountCents: 500 });
    await invoices.save({ ...invoice, status: 'sent' });
    await invoices.save({ ...invoice, status: 'paid' });

    expect((await emitted(dataSource)).map((e) => e.type)).toEqual([
      'billing.invoice.created',
      'billing.invoice.updated',
    ]);
  });

  it('emits nothing for operations left out of `on`', async () => {
    const { dataSource } = await startManual();
    const invoices = dataSource.getRepository(Invoice);
    const invoice = await invoices.save({ number: 'INV-3', amountCents: 1 });
    await invoices.remove(invoice);

    expect((await emitted(dataSource)).map((e) => e.type)).toEqual(['billing.invoice.created']);
  });

  it('rolls the change back with a clear error when the payload function throws, emitting nothing', async () => {
    const { dataSource } = await startManual();
    const save = dataSource.getRepository(Invoice).save({ number: '', amountCents: 4 });
    await expect(save).rejects.toThrow(WebhookPayloadError);
    await expect(save).rejects.toThrow(/@EmitsWebhook on Invoice: payload\(\) threw: an invoice without a number/);
    expect(await dataSource.getRepository(Invoice).count()).toBe(0);
    expect(await emitted(dataSource)).toEqual([]);
  });
});
