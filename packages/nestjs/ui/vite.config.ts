import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard, built into the package (`dist/ui/`) when the package is built: static files with relative URLs, so
 * it works under whatever path `WebhookAdminModule` mounts it, offline and behind a CSP without `unsafe-inline`
 * (no inline script or style in the output).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
