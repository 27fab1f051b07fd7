// The types of the matchers that the Vitest config's setupFiles registers.
import '@webhook-outbox/nestjs/testing/vitest';
