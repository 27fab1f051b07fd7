import type { ClaimedDelivery, ClaimRequest } from '../outbox-store.js';
import { claimedDeliveryFromRow, claimScanLimit, claimStatements, pickPerEndpoint } from './claim.statements.js';
import { TypeOrmOutboxStore } from './typeorm-outbox.store.js';

/**
 * MySQL 8 and MariaDB 10.6+: no UPDATE ... RETURNING, so the claim is a locking SELECT of candidates (SKIP LOCKED,
 * so concurrent relays take disjoint rows), the per-endpoint pick, an UPDATE of exactly those ids, and a read of
 * what was claimed, in one transaction.
 */
export class MysqlOutboxStore extends TypeOrmOutboxStore {
  private readonly claim = claimStatements(this.tables, 'FOR UPDATE SKIP LOCKED');

  async claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { now } = request;
    return this.transaction(async (manager) => {
      const paused: Array<{ endpoint_id: string }> = await manager.query(this.claim.pausedEndpoints, [now]);
      const excluded = [...request.excludeEndpoints, ...paused.map((row) => row.endpoint_id)];
      const candidates: Array<{ id: string; endpoint_id: string }> = await manager.query(this.claim.candidates(excluded.length), [
        now,
        now,
        ...excluded,
        claimScanLimit(request),
      ]);
      const ids = pickPerEndpoint(candidates, request);
      if (ids.length === 0) return [];
      await manager.query(this.claim.lease(ids.length), [request.lockedUntil, request.lockToken, ...ids]);
      const rows: Record<string, unknown>[] = await manager.query(this.claim.claimed(ids.length), ids);
      return rows.map(claimedDeliveryFromRow);
    });
  }
}
