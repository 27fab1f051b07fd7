import type { OutgoingWebhookRequest, WebhookTransport, WebhookTransportResponse } from '@webhook-outbox/nestjs';

/** Answers every request 200 at once, without a network: what is left is the relay's own cost. */
export class NullTransport implements WebhookTransport {
  sent = 0;
  /** When the first request was sent (`performance.now()`): a drain's rate is counted from it. */
  firstSentAt?: number;
  private waiting?: { count: number; resolve: () => void };

  async send(_request: OutgoingWebhookRequest): Promise<WebhookTransportResponse> {
    this.firstSentAt ??= performance.now();
    this.sent++;
    if (this.waiting && this.sent >= this.waiting.count) this.waiting.resolve();
    return { status: 200, bodyExcerpt: '' };
  }

  /** Resolves once `count` requests have been sent in all. */
  until(count: number): Promise<void> {
    if (this.sent >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { count, resolve }));
  }
}
