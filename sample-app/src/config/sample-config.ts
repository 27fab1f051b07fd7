import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';

/** Development-only secret shared by the shop and its own ERP receiver when ERP_WEBHOOK_SECRET is not set. */
const DEV_ERP_SECRET = 'whsec_c2FtcGxlLWFwcC1kZXYtb25seS1zZWNyZXQ=';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Everything the sample app reads from its environment, with defaults. */
export interface SampleConfig {
  port: number;
  database: TypeOrmModuleOptions;
  databaseLabel: string;
  erpSecret: string;
  /** An extra outside receiver subscribed to every event, from WEBHOOK_TARGET_URL and WEBHOOK_SECRET. */
  externalTarget?: { url: string; secret: string };
  /** Bearer token of the webhook admin API at /admin/webhooks, from ADMIN_TOKEN; without it the API is not mounted. */
  adminToken?: string;
  /**
   * Signs the demo shop's portal links (at /customer-portal/webhooks), from PORTAL_LINK_SECRET; in development,
   * derived from ADMIN_TOKEN when unset. Mounted with the admin API (ADMIN_TOKEN).
   */
  portalLinkSecret?: string;
  /** The HTTP platform, from HTTP_ADAPTER: `express` (default) or `fastify`. */
  httpAdapter: 'express' | 'fastify';
}

function databaseFromUrl(url: string | undefined): { options: TypeOrmModuleOptions; label: string } {
  if (!url || url.startsWith('sqlite:')) {
    const file = url ? resolve(url.slice('sqlite:'.length)) : resolve(appRoot, 'data', 'shop.sqlite');
    mkdirSync(dirname(file), { recursive: true });
    return { options: { type: 'better-sqlite3', database: file }, label: `SQLite ${file}` };
  }
  const scheme = url.slice(0, url.indexOf(':'));
  const redacted = url.replace(/\/\/[^@/]*@/, '//***@');
  if (scheme === 'postgres' || scheme === 'postgresql')
    return { options: { type: 'postgres', url }, label: `PostgreSQL ${redacted}` };
  if (scheme === 'mysql') return { options: { type: 'mysql', url }, label: `MySQL ${redacted}` };
  if (scheme === 'mariadb')
    return { options: { type: 'mariadb', url: `mysql:${url.slice('mariadb:'.length)}` }, label: `MariaDB ${redacted}` };
  throw new Error(`DATABASE_URL must start with sqlite:, postgres://, mysql:// or mariadb://; got "${scheme}:".`);
}

export function loadSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number; got "${env.PORT}".`);
  const { options, label } = databaseFromUrl(env.DATABASE_URL);
  const target = env.WEBHOOK_TARGET_URL;
  const secret = env.WEBHOOK_SECRET;
  if (Boolean(target) !== Boolean(secret)) {
    throw new Error('Set WEBHOOK_TARGET_URL and WEBHOOK_SECRET together (the secret signs what is sent to the URL).');
  }
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new Error(
      'ADMIN_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24); leave it unset to keep the admin API off.',
    );
  }
  const httpAdapter = env.HTTP_ADAPTER || 'express';
  if (httpAdapter !== 'express' && httpAdapter !== 'fastify') {
    throw new Error(`HTTP_ADAPTER must be express or fastify; got "${httpAdapter}".`);
  }
  return {
    port,
    httpAdapter,
    database: options,
    databaseLabel: label,
    erpSecret: env.ERP_WEBHOOK_SECRET ?? DEV_ERP_SECRET,
    externalTarget: target && secret ? { url: target, secret } : undefined,
    adminToken,
    portalLinkSecret:
      env.PORTAL_LINK_SECRET ||
      (adminToken && createHash('sha256').update(`portal-links ${adminToken}`).digest('base64url')),
  };
}
