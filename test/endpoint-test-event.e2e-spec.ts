import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WEBHOOK_TEST_EVENT_TYPE,
  WebhookEndpointNotFoundError,
  WebhookEndpoints,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('test events on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('sends a signed webhook.test event to that endpoint only, whatever it subscribes to', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        { id: 'erp', url, secret, eventTypes: ['order.*'] },
        { id: 'crm', url: `${url}/crm`, secret },
      ],
      relay: { enabled: false },
    }));
    const sent = await app.app.get(WebhookEndpoints).sendTestEvent('erp');
    await app.relay.runOnce();

    expect(context.receiver.requests).toHaveLength(1);
    const [request] = context.receiver.requests;
    expect(request!.url).toBe('/hooks');
    expect(request!.headers['webhook-id']).toBe(sent.webhookId);
    expect(verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret }).id).toBe(
      sent.webhookId,
    );
    const body = JSON.parse(request!.body) as { type: string; data: unknown };
    expect(body.type).toBe(WEBHOOK_TEST_EVENT_TYPE);
    expect(body.data).toMatchObject({ endpointId: 'erp' });
  });

  it("refuses another tenant's endpoint as not found", async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const created = await endpoints.create({ url: `${context.receiver.url}/a` }, { tenant: 'acme' });
    await expect(endpoints.sendTestEvent(created.id, { tenant: 'globex' })).rejects.toBeInstanceOf(
      WebhookEndpointNotFoundError,
    );
  });
});
