import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { PortalLinkStore } from '../outbox/stores/portal-link.store.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { PORTAL_MESSAGES } from './portal-links.messages.js';
import type { ResolvedPortalLinks } from './portal-links.options.js';
import { type PortalTokenClaims, PortalTokenCodec } from './portal-token.codec.js';

/** One admin registration with `portalLinks`: its path (without slashes), settings and token codec. */
export interface PortalRegistration {
  readonly path: string;
  readonly settings: ResolvedPortalLinks;
  readonly codec: PortalTokenCodec;
}

/** A session opened with a link: the token the page sends as its bearer, its tenant and expiry (epoch ms). */
export interface PortalSession {
  token: string;
  tenant: string;
  expiresAt: number;
}

/** Why a link or session was refused, in a customer's words (answered as 401). */
export interface PortalRefusal {
  refused: string;
}

/** Old links are deleted at most this often per instance, when a link is minted. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** Links are kept this long beyond the longest session they could have opened (rolling deploys change settings). */
const PRUNE_MARGIN_MS = 24 * 3600_000;

/**
 * The portal links of one application: the registrations that accept them, minting, the one exchange of a link for
 * a session, and the check of a session on each request (its signature, expiry, and its link's row: revoking a link
 * ends its sessions at once, on every instance). `WebhookPortal` is its public face.
 */
@Injectable()
export class PortalLinks {
  private readonly logger = new Logger('WebhookPortal');
  private readonly registrations = new Map<string, PortalRegistration>();
  private readonly store: PortalLinkStore;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {
    this.store = new PortalLinkStore(dataSource);
  }

  /** Adds a registration (at start-up, by its module); two at one path are refused. */
  register(path: string, settings: ResolvedPortalLinks): PortalRegistration {
    if (this.registrations.has(path))
      throw new WebhookConfigurationError(`WebhookAdminModule: two registrations with portalLinks at "${path}".`);
    const registration = { path, settings, codec: new PortalTokenCodec(settings.secret, path) };
    this.registrations.set(path, registration);
    return registration;
  }

  /** The registration at `path`, or the only one when `path` is not given. */
  registration(path: string | undefined): PortalRegistration {
    const paths = [...this.registrations.keys()];
    if (path === undefined) {
      if (paths.length === 1) return this.registrations.get(paths[0]!)!;
      throw new WebhookConfigurationError(
        paths.length === 0
          ? 'WebhookPortal: no WebhookAdminModule registration has portalLinks.'
          : `WebhookPortal: several registrations have portalLinks (${paths.join(', ')}): give \`path\`.`,
      );
    }
    const found = this.registrations.get(path.replace(/^\/+|\/+$/g, ''));
    if (!found)
      throw new WebhookConfigurationError(
        `WebhookPortal: no registration with portalLinks at "${path}" (there are: ${paths.join(', ') || 'none'}).`,
      );
    return found;
  }

  /** Stores a new link of `tenant` and returns its id, token and expiry. */
  async mint(registration: PortalRegistration, tenant: string, ttlMs: number) {
    const now = this.clock.now();
    const link = { id: `pl_${randomBytes(16).toString('hex')}`, tenant, now, expiresAt: now + ttlMs };
    await this.store.insert(link);
    await this.pruneNow(now);
    return { ...link, token: registration.codec.sign('portal-link', link) };
  }

  /** Exchanges a link for a session: once, on any instance, while the link is unexpired and unrevoked. */
  async exchange(registration: PortalRegistration, link: string): Promise<PortalSession | PortalRefusal> {
    const now = this.clock.now();
    const verified = registration.codec.verify('portal-link', link, now);
    if ('refused' in verified) {
      if (verified.refused === 'forged') {
        this.logger.warn(
          `A portal link with a wrong signature was refused at /${registration.path}: minted for another registration or with another secret, or altered.`,
        );
      }
      return { refused: verified.refused === 'expired' ? PORTAL_MESSAGES.linkExpired : PORTAL_MESSAGES.linkInvalid };
    }
    const { id, tenant } = verified.claims;
    if (!(await this.store.use(id, now))) return { refused: await this.whyUnusable(id, now) };
    const expiresAt = now + registration.settings.sessionTtlMs;
    return { token: registration.codec.sign('portal-session', { id, tenant, expiresAt }), tenant, expiresAt };
  }

  /** The claims of a session token presented to `registration`, if its signature, expiry and link all hold. */
  async authenticate(registration: PortalRegistration, token: unknown): Promise<PortalTokenClaims | PortalRefusal> {
    if (token === undefined) return { refused: PORTAL_MESSAGES.noSession };
    const verified = registration.codec.verify('portal-session', token, this.clock.now());
    if ('refused' in verified)
      return {
        refused: verified.refused === 'expired' ? PORTAL_MESSAGES.sessionExpired : PORTAL_MESSAGES.sessionInvalid,
      };
    // A primary-key read on every request, no cache: a revoked link's sessions end at their next request.
    const state = await this.store.state(verified.claims.id);
    if (!state || state.revokedAt !== null) return { refused: PORTAL_MESSAGES.sessionRevoked };
    return verified.claims;
  }

  /** Revokes one link and its sessions. */
  revoke(id: string): Promise<boolean> {
    return this.store.revoke(id, this.clock.now());
  }

  /** Revokes every link of `tenant` and their sessions. */
  revokeTenant(tenant: string): Promise<number> {
    return this.store.revokeTenant(tenant, this.clock.now());
  }

  /** Why a link that verified could not be used: read after the conditional update changed nothing. */
  private async whyUnusable(id: string, now: number): Promise<string> {
    const state = await this.store.state(id);
    if (!state) return PORTAL_MESSAGES.linkInvalid;
    if (state.revokedAt !== null) return PORTAL_MESSAGES.linkRevoked;
    if (state.usedAt !== null) return PORTAL_MESSAGES.linkUsed;
    return state.expiresAt <= now ? PORTAL_MESSAGES.linkExpired : PORTAL_MESSAGES.linkInvalid;
  }

  /** Deletes links whose sessions have all expired, at most every 10 minutes; a failure only delays it. */
  private async pruneNow(now: number): Promise<void> {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const longest = Math.max(...[...this.registrations.values()].map((r) => r.settings.sessionTtlMs));
    try {
      await this.store.prune(now - longest - PRUNE_MARGIN_MS);
    } catch (error) {
      this.logger.warn(`Could not delete old portal links (${(error as Error).message}); will try again later.`);
    }
  }
}
