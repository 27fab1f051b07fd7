export { signWebhook } from './sign-webhook.js';
export type { SignedWebhook, SignWebhookInput } from './sign-webhook.js';

/**
 * The relay's store and its types, for tests and benchmarks that drive or observe the relay's database work
 * directly (`app.get<OutboxStore>(OUTBOX_STORE)`). Internal: they change whenever the relay needs them to.
 */
export { OUTBOX_STORE } from '../webhook.tokens.js';
export type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  EventRouter,
  FanOutClaim,
  FanOutResult,
  OutboxStore,
} from '../outbox/outbox-store.js';
