import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

/**
 * Portal links of a `WebhookAdminModule` registration: the host app mints a short-lived link with
 * `WebhookPortal.createLink({ tenant })`, and the customer's browser opens the portal with it, scoped to that tenant,
 * with no guard of the app's own. The registration then accepts portal sessions only.
 */
export interface WebhookPortalLinksOptions {
  /**
   * Signs the links and sessions (HMAC-SHA256): at least 32 characters, e.g. `openssl rand -base64 32`, the same on
   * every instance. Changing it ends every link and session.
   */
  secret: string;
  /**
   * How long a minted link can be opened, in seconds (1 to 86,400). It opens the portal once.
   *
   * @defaultValue `300` (5 minutes)
   */
  linkTtl?: number;
  /**
   * How long the session a link opens lasts, in seconds (60 to 86,400): the customer opens a new link after it.
   *
   * @defaultValue `3600` (1 hour)
   */
  sessionTtl?: number;
}

/** The portal-link settings of one registration, checked and with defaults, times in ms. */
export interface ResolvedPortalLinks {
  secret: string;
  linkTtlMs: number;
  sessionTtlMs: number;
}

/** Shortest secret accepted: 32 characters. */
export const MIN_PORTAL_SECRET_LENGTH = 32;
const DEFAULT_LINK_TTL = 300;
const DEFAULT_SESSION_TTL = 3600;
/** Longest link or session lifetime, in seconds: a day. */
export const MAX_PORTAL_TTL = 86_400;

/** Checks `portalLinks` at start-up, naming the key at fault and the fix. */
export function resolvePortalLinks(options: WebhookPortalLinksOptions): ResolvedPortalLinks {
  const where = 'WebhookAdminModule.register(): portalLinks';
  if (typeof options !== 'object' || options === null)
    throw new WebhookConfigurationError(`${where} must be an object ({ secret }).`);
  if (typeof options.secret !== 'string' || options.secret.length < MIN_PORTAL_SECRET_LENGTH) {
    throw new WebhookConfigurationError(
      `${where}.secret must be a string of at least ${MIN_PORTAL_SECRET_LENGTH} characters (e.g. openssl rand -base64 32), the same on every instance.`,
    );
  }
  return {
    secret: options.secret,
    linkTtlMs: seconds(options.linkTtl, DEFAULT_LINK_TTL, 1, `${where}.linkTtl`) * 1000,
    sessionTtlMs: seconds(options.sessionTtl, DEFAULT_SESSION_TTL, 60, `${where}.sessionTtl`) * 1000,
  };
}

/** A lifetime in whole seconds within [min, MAX_PORTAL_TTL], or `fallback` when not given. */
export function seconds(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > MAX_PORTAL_TTL)
    throw new WebhookConfigurationError(
      `${name} must be whole seconds from ${min} to ${MAX_PORTAL_TTL}; got ${value}.`,
    );
  return value;
}
