import { Inject, Injectable } from '@nestjs/common';
import { type DataSource, In } from 'typeorm';
import { WebhookEndpointNotFoundError } from '../../errors/webhook-endpoint-not-found.error.js';
import { WEBHOOK_DATA_SOURCE } from '../../webhook.tokens.js';
import { WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEndpointStateEntity } from '../entities/index.js';
import { escapedTableName } from '../outbox-tables.js';
import { runInOwnTransaction } from './own-transaction.runner.js';
import { dialectOf } from './sql-dialect.js';

/**
 * The reads and writes of stored endpoints (`webhook_endpoint`) and of the health rows shown with them, each in a
 * transaction of its own. Every write sets `updated_at` strictly above the row's previous value, which is what
 * `fingerprint()` relies on.
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

  /** Every stored endpoint, by creation. */
  all(): Promise<WebhookEndpointEntity[]> {
    return this.dataSource.getRepository(WebhookEndpointEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Every stored endpoint's id and sealed secrets. */
  secrets(): Promise<Array<Pick<WebhookEndpointEntity, 'id' | 'secrets'>>> {
    return this.dataSource.getRepository(WebhookEndpointEntity).find({ select: { id: true, secrets: true } });
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
        where: { id },
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
   * Deletes a stored endpoint and its health row, and fails its pending deliveries that no worker holds with
   * `endpoint-deleted`, in one transaction. The delivery log stays.
   */
  async delete(id: string, now: number): Promise<void> {
    await runInOwnTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(WebhookEndpointEntity).delete({ id });
      await manager.getRepository(WebhookEndpointStateEntity).delete({ endpointId: id });
      await manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({
          status: 'failed',
          failureReason: 'endpoint-deleted',
          lastError: `endpoint "${id}" was deleted`,
          updatedAt: now,
          completedAt: now,
        })
        .where("endpoint_id = :id AND status = 'pending' AND (locked_until IS NULL OR locked_until <= :now)", {
          id,
          now,
        })
        .callListeners(false)
        .execute();
    });
  }

  /** The health rows of these endpoints (an endpoint that never failed has none). */
  states(endpointIds: readonly string[]): Promise<WebhookEndpointStateEntity[]> {
    if (endpointIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(WebhookEndpointStateEntity).findBy({ endpointId: In([...endpointIds]) });
  }
}
