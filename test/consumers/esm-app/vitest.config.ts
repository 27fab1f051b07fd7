import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Nest's dependency injection reads constructor parameter types from decorator metadata, which Vite's Oxc
  // transformer emits only when asked to.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    environment: 'node',
    setupFiles: ['reflect-metadata', '@webhook-outbox/nestjs/testing/vitest'],
  },
});
