import { Inject, Injectable } from '@nestjs/common';
import { type DataSource, type EntityManager, In, IsNull, Not } from 'typeorm';
import { WebhookEndpointNotFoundError } from '../../errors/webhook-endpoint-not-found.error.js';
import { WEBHOOK_DATA_SOURCE } from '../../webhook.tokens.js';
import { WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEndpointStateEntity } from '../entities/index.js';
import { escapedTableName } from '../outbox-tables.js';
import { runInOwnTransaction } from './own-transaction.runner.js';
import { dialectOf } from './sql-dialect.js';

/**
 * The reads and writes of endpoints (`webhook_endpoint`: stored ones and registered code endpoints, see
 * `EndpointDeclarationStore`) and of the health rows shown with them, each in a transaction of its own. Every write
 * sets `updated_at` strictly above the row's previous value, which is what `fingerprint()` relies on. A deleted or
 * retired endpoint stays as a row without credentials (`retired_at`), so no instance mistakes it for one it does
 * not know yet.
 */
@Injectable()
export class EndpointRowStore {
  constructor(@Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** A value that changes with any create, update or delete of a stored endpoint: one cheap aggregate read. */
  async fingerprint(): Promise<string> {
    const table = escapedTableName(this.dataSource, WebhookEndpointEntity);
    const [row] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n, SUM(updated_at) AS total, MAX(updated_at) AS latest FROM ${table}`,
    )) as Array<{
      n: unknown;
      total: unknown;
      latest: unknown;
    }>;
    return `${String(row?.n)}:${String(row?.total)}:${String(row?.latest)}`;
  }

  /** Every endpoint that exists (neither deleted nor retired), by creation. */
  all(): Promise<WebhookEndpointEntity[]> {
    return this.dataSource
      .getRepository(WebhookEndpointEntity)
      .find({ where: { retiredAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Whether an endpoint with this id was deleted or retired (as opposed to never registered here). */
  async isRetired(id: string): Promise<boolean> {
    return this.dataSource.getRepository(WebhookEndpointEntity).exists({ where: { id, retiredAt: Not(IsNull()) } });
  }

  /** Every existing endpoint's id and sealed secrets. */
  secrets(): Promise<Array<Pick<WebhookEndpointEntity, 'id' | 'secrets'>>> {
    return this.dataSource
      .getRepository(WebhookEndpointEntity)
      .find({ select: { id: true, secrets: true }, where: { retiredAt: IsNull() } });
  }

  async insert(row: WebhookEndpointEntity): Promise<void> {
    await this.dataSource.getRepository(WebhookEndpointEntity).insert(row);
  }

  /**
   * Reads a stored endpoint under a row lock, lets `change` modify it, and writes it back with `updated_at` above
   * both `now` and its previous value. Throws `WebhookEndpointNotFoundError` when it is gone.
   */
  modify(id: string, now: number, change: (row: WebhookEndpointEntity) => void): Promise<WebhookEndpointEntity> {
    return runInOwnTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(WebhookEndpointEntity);
      // SQLite has one writer and our queue; the servers need the lock so two rotations cannot both keep "their" old secret.
      const current = await repository.findOne({
        where: { id, retiredAt: IsNull() },
        ...(dialectOf(this.dataSource) === 'sqlite' ? {} : { lock: { mode: 'pessimistic_write' as const } }),
      });
      if (!current) throw new WebhookEndpointNotFoundError(id);
      change(current);
      current.updatedAt = Math.max(now, current.updatedAt + 1);
      await repository.save(current);
      return current;
    });
  }

  /**
   * Deletes a stored endpoint: keeps its row without credentials, marked retired, deletes its health row, and fails
   * its pending deliveries that no worker holds with `endpoint-deleted`, in one transaction. The delivery log stays.
   */
  async delete(id: string, now: number): Promise<void> {
    await runInOwnTransaction(this.dataSource, (manager) =>
      retireEndpointRow(manager, { id }, now, `endpoint "${id}" was deleted`),
    );
  }

  /** The health rows of these endpoints (an endpoint that never failed has none). */
  states(endpointIds: readonly string[]): Promise<WebhookEndpointStateEntity[]> {
    if (endpointIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(WebhookEndpointStateEntity).findBy({ endpointId: In([...endpointIds]) });
  }
}

/**
 * Marks the endpoint retired (matched by `where`, which may add conditions: none matched, nothing happens), wipes its
 * credentials, deletes its health row and fails its pending deliveries that no worker holds with `endpoint-deleted`
 * and `error`. Returns whether it retired the endpoint. Run inside a transaction.
 */
export async function retireEndpointRow(
  manager: EntityManager,
  where: { id: string } & Record<string, unknown>,
  now: number,
  error: string,
): Promise<boolean> {
  const { id } = where;
  const repository = manager.getRepository(WebhookEndpointEntity);
  // Locked on the servers, so a declaration renewed meanwhile waits and then finds the endpoint retired.
  const current = await repository.findOne({
    where: { ...where, retiredAt: IsNull() },
    ...(dialectOf(manager.connection) === 'sqlite' ? {} : { lock: { mode: 'pessimistic_write' as const } }),
  });
  if (!current) return false;
  const retired = await manager
    .createQueryBuilder()
    .update(WebhookEndpointEntity)
    .set({ retiredAt: now, secrets: [], headers: {}, updatedAt: Math.max(now, current.updatedAt + 1) })
    // Fenced by updated_at: a concurrent declaration or change wins, and this retirement does nothing.
    .where('id = :id AND updated_at = :updatedAt AND retired_at IS NULL', { id, updatedAt: current.updatedAt })
    .callListeners(false)
    .execute();
  if (retired.affected === 0) return false;
  await manager.getRepository(WebhookEndpointStateEntity).delete({ endpointId: id });
  await manager
    .createQueryBuilder()
    .update(WebhookDeliveryEntity)
    .set({ status: 'failed', failureReason: 'endpoint-deleted', lastError: error, updatedAt: now, completedAt: now })
    .where("endpoint_id = :id AND status = 'pending' AND (locked_until IS NULL OR locked_until <= :now)", { id, now })
    .callListeners(false)
    .execute();
  return true;
}
