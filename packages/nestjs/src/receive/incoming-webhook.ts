import type { IncomingHeaders } from '@webhook-outbox/signature';
import type { EntityManager } from 'typeorm';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { WebhookInbox } from '../outbox/stores/webhook-inbox.store.js';

/**
 * A verified inbound webhook, as `@IncomingWebhook()` gives it to a handler and `WebhookVerifier.verify()`
 * returns it.
 */
export interface IncomingWebhook<TPayload = unknown> {
  /**
   * The sender's id for this message, the same on every redelivery (`webhook-id`, `X-GitHub-Delivery`, a Stripe
   * event's `id`, ...). Senders that send none (SeaTable, Slack slash commands) get `sha256:<hex of the body>`.
   */
  readonly id: string;
  /** The receiver's name; `undefined` for an inline receiver without one. */
  readonly receiver?: string;
  /** The scheme that verified it (`'stripe'`). */
  readonly scheme: string;
  /** The signed Unix-seconds timestamp, for schemes that sign one. */
  readonly timestamp?: number;
  /** The body: parsed JSON, a form as an object, the query of a GET, or text for other content types. */
  readonly payload: TPayload;
  /** The exact bytes that were verified. */
  readonly rawBody: Buffer | string;
  readonly headers: IncomingHeaders;
  /** `true` once this webhook turned out to have been processed already (then the handler's work was skipped). */
  readonly duplicate: boolean;
  /**
   * Runs `work` in a database transaction together with recording this webhook's id in the inbox: both commit,
   * or neither does. If the id is already recorded (a redelivery, or an identical request that won a race on
   * another instance) `work` is not run and `undefined` is returned. A thrown error rolls everything back, so the
   * sender's retry runs `work` again.
   *
   * @example
   * await webhook.processInTransaction(async (manager) => {
   *   await manager.update(Subscription, { customerId }, { paidUntil });
   * });
   */
  processInTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T | undefined>;
}

/** The verified fields of an incoming webhook, as the verifier found them. */
type VerifiedFields<TPayload> = Omit<IncomingWebhook<TPayload>, 'duplicate' | 'processInTransaction'>;

/** What the verifier knows when it builds an incoming webhook. */
export interface ReceivedWebhookInit<TPayload> extends VerifiedFields<TPayload> {
  /** Where ids are recorded; `undefined` when this receiver does not deduplicate. */
  inbox?: WebhookInbox;
  /** Runs work in a transaction of its own; `undefined` without a DataSource. */
  transaction?: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;
  clock: WebhookClock;
}

// The class carries the verified fields of its interface; merging declares them once, here (the constructor sets
// every one of them, which is what the rule cannot see).
export interface ReceivedWebhook<TPayload = unknown> extends VerifiedFields<TPayload> {}

/** The implementation behind {@link IncomingWebhook}, with the bookkeeping the inbox interceptor needs. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class ReceivedWebhook<TPayload = unknown> implements IncomingWebhook<TPayload> {
  duplicate = false;
  /** Set once the id is in the inbox, by `processInTransaction` or by `recordProcessed`. */
  private recorded = false;
  private readonly inbox?: WebhookInbox;
  private readonly transaction?: ReceivedWebhookInit<TPayload>['transaction'];
  private readonly clock: WebhookClock;

  constructor({ inbox, transaction, clock, ...fields }: ReceivedWebhookInit<TPayload>) {
    Object.assign(this, fields);
    this.inbox = inbox;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** Whether ids of this webhook's receiver are kept in the inbox. */
  get deduplicates(): boolean {
    return this.inbox !== undefined && this.receiver !== undefined && this.transaction !== undefined;
  }

  async processInTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T | undefined> {
    if (!this.transaction) {
      throw new WebhookConfigurationError(
        'processInTransaction() needs a database: import WebhookModule (with TypeORM) in the app that receives this webhook.',
      );
    }
    if (!this.deduplicates) return this.transaction(work);
    const result = await this.transaction(async (manager) => {
      if (!(await this.inbox!.record(manager, this.receiver!, this.id, this.clock.now()))) {
        this.duplicate = true;
        return undefined;
      }
      return work(manager);
    });
    // Only a committed transaction has recorded the id.
    if (!this.duplicate) this.recorded = true;
    return result;
  }

  /** Whether the inbox already holds this webhook (checked before the handler runs). */
  async alreadyProcessed(): Promise<boolean> {
    if (!this.deduplicates) return false;
    this.duplicate = await this.inbox!.has(this.receiver!, this.id);
    return this.duplicate;
  }

  /** Records the webhook after a handler that did not use `processInTransaction` succeeded. */
  async recordProcessed(): Promise<void> {
    if (!this.deduplicates || this.recorded || this.duplicate) return;
    await this.transaction!((manager) => this.inbox!.record(manager, this.receiver!, this.id, this.clock.now()));
    this.recorded = true;
  }
}
