// The webhook matchers (toHaveSent), registered for every spec: as a user's app loads them from its setup file.
import '@webhook-outbox/nestjs/testing/vitest';
