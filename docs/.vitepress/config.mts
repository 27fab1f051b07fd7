import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { codeTitles } from './code-titles';

// `npm run docs:api` generates docs/api (gitignored) with TypeDoc, and typedoc-vitepress-theme writes its sidebar.
// A checkout that never ran it builds without the API section rather than failing on a dead `/api/` link;
// `npm run docs:build` always generates it first.
const apiGenerated = existsSync(fileURLToPath(new URL('../api/index.md', import.meta.url)));
const apiSidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : [];

const guide: DefaultTheme.SidebarItem = {
  text: 'Guide',
  items: [
    { text: 'Getting started', link: '/guide/getting-started' },
    { text: 'Sending', link: '/guide/sending' },
    { text: 'Receiving', link: '/guide/receiving' },
    { text: 'Testing', link: '/guide/testing' },
    { text: 'Endpoints and tenants', link: '/guide/endpoints-and-tenants' },
    { text: 'Dashboard and portal', link: '/guide/dashboard-and-portal' },
    { text: 'Security', link: '/guide/security' },
    { text: 'Observability', link: '/guide/observability' },
    { text: 'Operating', link: '/guide/operating' },
  ],
};

const reference: DefaultTheme.SidebarItem = {
  text: 'Reference',
  items: [
    { text: 'Options', link: '/reference/options' },
    { text: 'CLI', link: '/reference/cli' },
    { text: 'Admin API', link: '/reference/admin-api' },
    { text: 'Errors and status codes', link: '/reference/errors' },
    { text: 'Versioning', link: '/reference/versioning' },
  ],
};

const api: DefaultTheme.SidebarItem = {
  text: 'API',
  link: '/api/',
  collapsed: true,
  items: apiSidebar,
};

const internals: DefaultTheme.SidebarItem = {
  text: 'Internals',
  items: [
    { text: 'Guarantees', link: '/internals/guarantees' },
    { text: 'Design', link: '/internals/design' },
    { text: 'Benchmarks', link: '/internals/benchmarks' },
  ],
};

const contributing: DefaultTheme.SidebarItem = { text: 'Contributing', link: '/contributing' };

export default defineConfig({
  title: 'Webhook Outbox',
  description:
    'Transactional webhooks for NestJS + TypeORM: emit from entities through an outbox, deliver signed, receive verified.',
  cleanUrls: true,
  markdown: { config: codeTitles },
  lastUpdated: false,
  // A dead link fails the build. Exceptions: the local URLs pages show as examples (the sample app, a dev server),
  // and links into the API pages in a checkout that has not generated them (docs:build always does).
  ignoreDeadLinks: [
    /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/,
    (link: string) => !apiGenerated && /^\/?api(\/|$)/.test(link),
  ],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '^/guide/' },
      { text: 'Reference', link: '/reference/options', activeMatch: '^/reference/' },
      ...(apiGenerated ? [{ text: 'API', link: '/api/', activeMatch: '^/api/' }] : []),
      { text: 'Internals', link: '/internals/guarantees', activeMatch: '^/internals/' },
    ],
    // One sidebar for the whole site, so a reader always sees where a page sits in the order of the guide.
    sidebar: [guide, reference, ...(apiGenerated ? [api] : []), internals, contributing],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
});
