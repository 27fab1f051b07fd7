import { Inject, Injectable } from '@nestjs/common';
import { type DataSource, IsNull, LessThan, MoreThanOrEqual } from 'typeorm';
import { WebhookConfigurationError } from '../../errors/webhook-configuration.error.js';
import { WEBHOOK_DATA_SOURCE } from '../../webhook.tokens.js';
import { WebhookEndpointEntity } from '../entities/index.js';
import { retireEndpointRow } from './endpoint-rows.store.js';
import { runInOwnTransactionRetriedWhileBusy } from './own-transaction.runner.js';
import { dialectOf } from './sql-dialect.js';

/** What declaring one code endpoint did to its row. */
export type DeclarationOutcome = 'inserted' | 'changed' | 'renewed';

/** The columns a declaration writes: the endpoint's config (as `WebhookEndpointEntity`) without the bookkeeping. */
export type DeclaredEndpointRow = Omit<
  WebhookEndpointEntity,
  'source' | 'declaredAt' | 'retiredAt' | 'createdAt' | 'updatedAt'
>;

/**
 * The registrations of code endpoints (declared in module options) in `webhook_endpoint`: an instance declares its
 * endpoints at start (upsert by id) and renews its declarations while it runs (`declared_at`, which no fingerprint
 * reads, so a renewal makes no instance reload), and retires those no instance has declared for a while.
 */
@Injectable()
export class EndpointDeclarationStore {
  constructor(@Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Registers a code endpoint: inserts it, or rewrites its config when `unchanged(current)` says it differs (or it was
   * retired), or else only renews the declaration. Refuses an id a stored endpoint already has.
   */
  async declare(
    row: DeclaredEndpointRow,
    now: number,
    unchanged: (current: WebhookEndpointEntity) => boolean,
  ): Promise<DeclarationOutcome> {
    try {
      return await this.declareOnce(row, now, unchanged);
    } catch (error) {
      // Two instances starting together both inserted: the loser finds the winner's row the second time.
      if (error instanceof WebhookConfigurationError) throw error;
      return this.declareOnce(row, now, unchanged);
    }
  }

  /** Whether any instance declared a code endpoint at or after `since`: other instances may be running. */
  async anyDeclaredSince(since: number): Promise<boolean> {
    return this.dataSource
      .getRepository(WebhookEndpointEntity)
      .exists({ where: { source: 'options', retiredAt: IsNull(), declaredAt: MoreThanOrEqual(since) } });
  }

  /**
   * Retires the code endpoints no instance has declared since `cutoff` (but those in `keep`, which this instance
   * declares): each in a transaction of its own, fenced so a declaration made meanwhile wins. Returns their ids.
   */
  async retireUndeclared(cutoff: number, keep: readonly string[], now: number): Promise<string[]> {
    const stale = await this.dataSource.getRepository(WebhookEndpointEntity).find({
      select: { id: true },
      where: { source: 'options', retiredAt: IsNull(), declaredAt: LessThan(cutoff) },
    });
    const retired: string[] = [];
    for (const { id } of stale) {
      if (keep.includes(id)) continue;
      const done = await runInOwnTransactionRetriedWhileBusy(this.dataSource, (manager) =>
        retireEndpointRow(
          manager,
          { id, source: 'options', declaredAt: LessThan(cutoff) },
          now,
          `endpoint "${id}" was retired: no running instance has declared it in its options since ${new Date(cutoff).toISOString()}`,
        ),
      );
      if (done) retired.push(id);
    }
    return retired;
  }

  private declareOnce(
    row: DeclaredEndpointRow,
    now: number,
    unchanged: (current: WebhookEndpointEntity) => boolean,
  ): Promise<DeclarationOutcome> {
    return runInOwnTransactionRetriedWhileBusy(this.dataSource, async (manager) => {
      const repository = manager.getRepository(WebhookEndpointEntity);
      const current = await repository.findOne({
        where: { id: row.id },
        ...(dialectOf(this.dataSource) === 'sqlite' ? {} : { lock: { mode: 'pessimistic_write' as const } }),
      });
      if (!current) {
        await repository.insert({
          ...row,
          source: 'options',
          declaredAt: now,
          retiredAt: null,
          createdAt: now,
          updatedAt: now,
        });
        return 'inserted';
      }
      if (current.source !== 'options') {
        throw new WebhookConfigurationError(
          `endpoints: the id "${row.id}" is already the id of an endpoint created through WebhookEndpoints: ` +
            'give the endpoint in options another id.',
        );
      }
      if (current.retiredAt === null && unchanged(current)) {
        await repository.update({ id: row.id }, { declaredAt: now });
        return 'renewed';
      }
      await repository.update(
        { id: row.id },
        { ...row, declaredAt: now, retiredAt: null, updatedAt: Math.max(now, current.updatedAt + 1) },
      );
      return 'changed';
    });
  }
}
