import { Injectable } from '@nestjs/common';

export interface ReceivedWebhook {
  webhookId: string;
  type: string;
  data: unknown;
  /** For updates: each changed field with its old and new value. */
  changes?: unknown;
  receivedAt: string;
}

const KEEP = 100;

/**
 * What the ERP accepted, newest first, in memory. Deliveries are at-least-once, so a repeated webhook-id is
 * acknowledged but not recorded twice.
 */
@Injectable()
export class ReceivedWebhooksStore {
  private readonly received: ReceivedWebhook[] = [];

  /** Returns false when this webhook-id was already received. */
  add(webhook: ReceivedWebhook): boolean {
    if (this.received.some((r) => r.webhookId === webhook.webhookId)) return false;
    this.received.unshift(webhook);
    this.received.length = Math.min(this.received.length, KEEP);
    return true;
  }

  list(): readonly ReceivedWebhook[] {
    return this.received;
  }
}
