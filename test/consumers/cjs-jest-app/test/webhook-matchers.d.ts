// The types of the matchers that setupFilesAfterEnv registers.
import '@webhook-outbox/nestjs/testing/jest';
