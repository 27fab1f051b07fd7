import { defineConfig } from 'vitest/config';

// Nest's dependency injection reads constructor parameter types from decorator metadata; Vite 8's Oxc
// transformer emits it only with these flags. tsconfigPaths lets tests import the packages from source.
export const sharedConfig = defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: { tsconfigPaths: true },
  test: {
    environment: 'node',
    setupFiles: ['reflect-metadata'],
  },
});
