import type { ClaimRequest } from '../outbox-store.js';

/** How many due rows a claim looks at to fill its batch while honouring the per-endpoint cap. */
export function claimScanLimit(request: ClaimRequest): number {
  return request.limit * 4;
}

/**
 * From candidates in due order, the ids to claim: at most `perEndpoint` per endpoint and `limit` in all. Used by
 * the dialects that pick in the application (PostgreSQL does it in its claim statement).
 */
export function pickPerEndpoint(candidates: ReadonlyArray<{ id: string; endpoint_id: string }>, request: ClaimRequest): string[] {
  const taken = new Map<string, number>();
  const picked: string[] = [];
  for (const row of candidates) {
    if (picked.length >= request.limit) break;
    const count = taken.get(row.endpoint_id) ?? 0;
    if (count >= request.perEndpoint) continue;
    taken.set(row.endpoint_id, count + 1);
    picked.push(row.id);
  }
  return picked;
}
