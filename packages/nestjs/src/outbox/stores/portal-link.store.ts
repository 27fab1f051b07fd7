import type { DataSource } from 'typeorm';
import { WebhookPortalLinkEntity } from '../entities/index.js';
import { escapedTableName } from '../outbox-tables.js';
import { runInOwnTransaction, runSerialized } from './own-transaction.runner.js';
import { type PortalLinkStatements, portalLinkStatements } from './portal-link.statements.js';
import { readRows, runStatement } from './run-statement.js';

/** A link's row as the exchange and the session check need it. */
export interface PortalLinkState {
  usedAt: number | null;
  revokedAt: number | null;
  expiresAt: number;
}

/**
 * The portal links' rows: minted, used once, revoked. Each write is a statement in its own transaction (on SQLite
 * queued behind the package's other own transactions, so it never lands inside someone else's).
 */
export class PortalLinkStore {
  private readonly statements: PortalLinkStatements;

  constructor(private readonly dataSource: DataSource) {
    this.statements = portalLinkStatements(escapedTableName(dataSource, WebhookPortalLinkEntity));
  }

  async insert(link: { id: string; tenant: string; now: number; expiresAt: number }): Promise<void> {
    await this.write(this.statements.insert, link);
  }

  /** Marks the link used; `true` for the one caller that did (it was unused, unrevoked and unexpired at `now`). */
  async use(id: string, now: number): Promise<boolean> {
    return (await this.write(this.statements.use, { id, now })) === 1;
  }

  /** The link's row, or `undefined` when there is none (never minted here, or pruned). */
  async state(id: string): Promise<PortalLinkState | undefined> {
    const [row] = await runSerialized(this.dataSource, () => readRows(this.dataSource, this.statements.state, { id }));
    if (!row) return undefined;
    const time = (value: unknown) => (value === null || value === undefined ? null : Number(value));
    return { usedAt: time(row.used_at), revokedAt: time(row.revoked_at), expiresAt: Number(row.expires_at) };
  }

  /** Revokes one link; `true` when it existed and was not revoked yet. */
  async revoke(id: string, now: number): Promise<boolean> {
    return (await this.write(this.statements.revoke, { id, now })) === 1;
  }

  /** Revokes every link of `tenant`; how many were revoked now. */
  revokeTenant(tenant: string, now: number): Promise<number> {
    return this.write(this.statements.revokeTenant, { tenant, now });
  }

  /** Deletes the links that expired before `before`; how many. */
  prune(before: number): Promise<number> {
    return this.write(this.statements.prune, { before });
  }

  private write(sql: string, parameters: Record<string, unknown>): Promise<number> {
    return runInOwnTransaction(this.dataSource, (manager) => runStatement(this.dataSource, manager, sql, parameters));
  }
}
