import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type DataSource, type EntityManager, type EntityMetadata, FindOperator, type ObjectLiteral } from 'typeorm';
import type { CapturedDataSources } from '../outbox/outbox-data-sources.js';
import { WEBHOOK_CAPTURED_DATA_SOURCES } from '../webhook.tokens.js';
import type { EntityChangeKind } from './entity-change.js';
import { type ChangeContext, EntityChangeCapture } from './entity-change.capture.js';
import { changedFields, snapshotColumns } from './entity-snapshot.js';

/**
 * The values objects (an update's `set`, an upsert's entities) of keyed statements running now: TypeORM hands them to
 * the subscriber as `entity`, which then leaves those events to this capture.
 */
export const reportedByKeyedStatement = new WeakSet<object>();

/**
 * Counts keyed statements running on a query runner: a delete, soft delete or restore reaches the subscriber with
 * no entity at all, and must not be warned about (or refused) as one whose rows are unknown.
 */
export const KEYED_STATEMENT = 'webhookOutboxKeyedStatement';

type KeyedMethod = 'update' | 'delete' | 'softDelete' | 'restore' | 'upsert';
const KIND: Record<Exclude<KeyedMethod, 'upsert'>, EntityChangeKind> = {
  update: 'update',
  delete: 'remove',
  softDelete: 'soft-remove',
  restore: 'recover',
};
const METHODS: readonly KeyedMethod[] = ['update', 'delete', 'softDelete', 'restore', 'upsert'];
const ORIGINALS = Symbol('webhookOutboxOriginalMethods');

// biome-ignore lint/suspicious/noExplicitAny: EntityManager's methods, wrapped whatever their signature.
type Method = (this: EntityManager, ...args: any[]) => Promise<unknown>;
type Where = ObjectLiteral;

/**
 * Captures `update()`, `delete()`, `softDelete()` and `restore()` by primary key, and `upsert()`, made through
 * a captured DataSource (its `manager`, repositories and transactions). TypeORM tells subscribers neither which
 * rows such a statement touched nor whether an upsert inserted or updated, but the arguments say: the keys. So the
 * call runs in a transaction (the caller's, or one of its own), between a read of those rows before and after, and
 * each row that really changed emits, with `changes` for updates, exactly as `save()` would. Calls by any other
 * criteria are left to the subscriber, which warns or, in strict mode, refuses them.
 */
@Injectable()
export class KeyedStatementCapture implements OnModuleInit, OnApplicationShutdown {
  private readonly wrappers = new WeakMap<Method, Map<KeyedMethod, Method>>();

  constructor(
    @Inject(WEBHOOK_CAPTURED_DATA_SOURCES) private readonly sources: CapturedDataSources,
    private readonly capture: EntityChangeCapture,
  ) {}

  onModuleInit(): void {
    for (const dataSource of this.sources.all) this.wrapDataSource(dataSource);
  }

  onApplicationShutdown(): void {
    for (const dataSource of this.sources.all) this.unwrapDataSource(dataSource);
  }

  private wrapDataSource(source: DataSource): void {
    const dataSource = source as DataSource & { [ORIGINALS]?: unknown };
    if (dataSource[ORIGINALS]) return;
    const createEntityManager = dataSource.createEntityManager;
    dataSource[ORIGINALS] = createEntityManager;
    this.wrap(dataSource.manager);
    // Every manager the DataSource makes later (one per query runner, so per transaction) is wrapped too.
    dataSource.createEntityManager = (queryRunner) => this.wrap(createEntityManager.call(dataSource, queryRunner));
  }

  private unwrapDataSource(source: DataSource): void {
    const dataSource = source as DataSource & { [ORIGINALS]?: DataSource['createEntityManager'] };
    if (!dataSource[ORIGINALS]) return;
    dataSource.createEntityManager = dataSource[ORIGINALS];
    delete dataSource[ORIGINALS];
    for (const method of METHODS) delete (dataSource.manager as unknown as Record<string, unknown>)[method];
  }

  private wrap(manager: EntityManager): EntityManager {
    for (const method of METHODS) {
      const original = (manager as unknown as Record<KeyedMethod, Method>)[method];
      Object.defineProperty(manager, method, {
        configurable: true,
        writable: true,
        value: this.wrapper(method, original),
      });
    }
    return manager;
  }

  /** One wrapper per method and original, made once: a manager is wrapped for every transaction. */
  private wrapper(method: KeyedMethod, original: Method): Method {
    let wrappers = this.wrappers.get(original);
    if (!wrappers) {
      wrappers = new Map();
      this.wrappers.set(original, wrappers);
    }
    let wrapper = wrappers.get(method);
    if (!wrapper) {
      const capture = this;
      wrapper = function (this: EntityManager, ...args: unknown[]) {
        return capture.run(method, original, this, args);
      };
      wrappers.set(method, wrapper);
    }
    return wrapper;
  }

  private async run(method: KeyedMethod, original: Method, manager: EntityManager, args: unknown[]): Promise<unknown> {
    const [target] = args;
    const metadata = manager.connection.hasMetadata(target as Function)
      ? manager.connection.getMetadata(target as Function)
      : undefined;
    if (!metadata) return original.apply(manager, args);
    if (method === 'upsert') {
      if (!this.capture.emits(metadata, 'insert') && !this.capture.emits(metadata, 'update'))
        return original.apply(manager, args);
      const keys = upsertKeys(metadata, args[1], args[2]);
      return keys
        ? this.keyed(manager, metadata, keys, original, args, (context, before, after) =>
            this.upserted(context, before, after),
          )
        : original.apply(manager, args);
    }
    const kind = KIND[method];
    if (!this.capture.emits(metadata, kind)) return original.apply(manager, args);
    const keys = primaryKeys(metadata, args[1]);
    if (!keys) return original.apply(manager, args); // not by key: the subscriber warns or refuses
    return this.keyed(manager, metadata, keys, original, args, (context, before, after) =>
      this.changed(kind, context, before, after),
    );
  }

  /** Runs the statement between two reads of its rows, in the caller's transaction or one of its own. */
  private keyed(
    manager: EntityManager,
    metadata: EntityMetadata,
    keys: Where[],
    original: Method,
    args: unknown[],
    report: (context: ChangeContext, before: ObjectLiteral[], after: ObjectLiteral[]) => Promise<void>,
  ): Promise<unknown> {
    const work = async (transactional: EntityManager) => {
      const queryRunner = transactional.queryRunner!;
      const read = () => transactional.find(metadata.target, { where: keys, withDeleted: true });
      const before = await read();
      const values = [args[2], ...(Array.isArray(args[1]) ? args[1] : [args[1]])].filter(
        (value): value is object => typeof value === 'object' && value !== null,
      );
      for (const value of values) reportedByKeyedStatement.add(value);
      queryRunner.data[KEYED_STATEMENT] = (Number(queryRunner.data[KEYED_STATEMENT]) || 0) + 1;
      let result: unknown;
      try {
        result = await original.apply(transactional, args);
      } finally {
        queryRunner.data[KEYED_STATEMENT] -= 1;
        for (const value of values) reportedByKeyedStatement.delete(value);
      }
      await report({ metadata, manager: transactional, queryRunner }, before, await read());
      return result;
    };
    return manager.queryRunner?.isTransactionActive ? work(manager) : manager.transaction(work);
  }

  private async changed(
    kind: EntityChangeKind,
    context: ChangeContext,
    before: ObjectLiteral[],
    after: ObjectLiteral[],
  ): Promise<void> {
    const { metadata } = context;
    const afterByKey = byKey(metadata, after);
    for (const old of before) {
      const now = afterByKey.get(keyOf(metadata, old));
      const deletedBefore = isSoftDeleted(metadata, old);
      switch (kind) {
        case 'remove':
          if (!now)
            await this.capture.capture('remove', context, {
              entity: snapshotColumns(metadata, old),
              previous: snapshotColumns(metadata, old),
            });
          break;
        case 'soft-remove':
          if (now && !deletedBefore && isSoftDeleted(metadata, now))
            await this.capture.capture('soft-remove', context, states(metadata, old, now));
          break;
        case 'recover':
          if (now && deletedBefore && !isSoftDeleted(metadata, now))
            await this.capture.capture('recover', context, states(metadata, old, now));
          break;
        default:
          if (now) await this.updated(context, old, now);
      }
    }
  }

  /** An upserted row that existed before was updated (if anything changed); one that did not was inserted. */
  private async upserted(context: ChangeContext, before: ObjectLiteral[], after: ObjectLiteral[]): Promise<void> {
    const { metadata } = context;
    const beforeByKey = byKey(metadata, before);
    for (const now of after) {
      const old = beforeByKey.get(keyOf(metadata, now));
      if (old) await this.updated(context, old, now);
      else await this.capture.capture('insert', context, { entity: snapshotColumns(metadata, now) });
    }
  }

  private async updated(context: ChangeContext, old: ObjectLiteral, now: ObjectLiteral): Promise<void> {
    const { metadata } = context;
    // As save() reports: the columns whose values differ, not those TypeORM maintains itself.
    const changes = changedFields(
      metadata.columns.filter((column) => !column.isUpdateDate && !column.isVersion),
      old,
      now,
    );
    if (Object.keys(changes).length === 0) return;
    await this.capture.capture('update', context, { ...states(metadata, old, now), changes });
  }
}

function states(metadata: EntityMetadata, old: ObjectLiteral, now: ObjectLiteral) {
  return { entity: snapshotColumns(metadata, now), previous: snapshotColumns(metadata, old) };
}

function isSoftDeleted(metadata: EntityMetadata, row: ObjectLiteral): boolean {
  return metadata.deleteDateColumn ? metadata.deleteDateColumn.getEntityValue(row) != null : false;
}

function keyOf(metadata: EntityMetadata, row: ObjectLiteral): string {
  return JSON.stringify(metadata.primaryColumns.map((column) => String(column.getEntityValue(row))));
}

function byKey(metadata: EntityMetadata, rows: ObjectLiteral[]): Map<string, ObjectLiteral> {
  return new Map(rows.map((row) => [keyOf(metadata, row), row]));
}

const isPrimitive = (value: unknown) => ['string', 'number', 'bigint'].includes(typeof value) || value instanceof Date;

/**
 * The rows `criteria` names by primary key, as find conditions, or `undefined` when it is anything else (another
 * column, an operator other than `In`, relations): then which rows it touches is not known.
 */
function primaryKeys(metadata: EntityMetadata, criteria: unknown): Where[] | undefined {
  const primary = metadata.primaryColumns;
  const single = primary.length === 1 ? primary[0]! : undefined;
  const one = (value: unknown): Where[] | undefined => {
    if (single && isPrimitive(value)) return [{ [single.propertyPath]: value }];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as ObjectLiteral);
    if (
      entries.length !== primary.length ||
      !primary.every((column) => column.propertyPath in (value as ObjectLiteral))
    )
      return undefined;
    if (single) {
      const key = (value as ObjectLiteral)[single.propertyPath];
      if (isPrimitive(key)) return [{ [single.propertyPath]: key }];
      if (
        key instanceof FindOperator &&
        key.type === 'in' &&
        Array.isArray(key.value) &&
        key.value.every(isPrimitive)
      ) {
        return key.value.map((id: unknown) => ({ [single.propertyPath]: id }));
      }
      return undefined;
    }
    return entries.every(([, key]) => isPrimitive(key)) ? [value as Where] : undefined;
  };
  const list = Array.isArray(criteria) ? criteria : [criteria];
  if (list.length === 0) return undefined;
  const keys: Where[] = [];
  for (const item of list) {
    const found = one(item);
    if (!found) return undefined;
    keys.push(...found);
  }
  return keys;
}

/** The rows an upsert touches, by its conflict columns, or `undefined` if an entity lacks one of them. */
function upsertKeys(metadata: EntityMetadata, entities: unknown, conflict: unknown): Where[] | undefined {
  const paths = Array.isArray(conflict)
    ? (conflict as string[])
    : conflict && typeof conflict === 'object' && 'conflictPaths' in conflict
      ? ((c) => (Array.isArray(c) ? c : Object.keys(c as object)))(
          (conflict as { conflictPaths: unknown }).conflictPaths,
        )
      : undefined;
  if (!paths?.length) return undefined;
  const columns = metadata.mapPropertyPathsToColumns(paths as string[]);
  const keys: Where[] = [];
  for (const entity of Array.isArray(entities) ? entities : [entities]) {
    const values = columns.map((column) => column.getEntityValue(entity as ObjectLiteral));
    if (values.some((value) => !isPrimitive(value))) return undefined;
    keys.push(Object.fromEntries(columns.map((column, i) => [column.propertyPath, values[i]])));
  }
  return keys;
}
