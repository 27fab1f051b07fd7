import { CreateWebhookOutbox1763900000000 } from './1763900000000-create-webhook-outbox.js';

export { CreateWebhookOutbox1763900000000 };

/** The package's migrations, in order; add them to your DataSource's `migrations`. */
export const webhookOutboxMigrations = [CreateWebhookOutbox1763900000000];
