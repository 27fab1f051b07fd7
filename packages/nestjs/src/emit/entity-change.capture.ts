import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager, EntityMetadata, ObjectLiteral, QueryRunner } from 'typeorm';
import type { EntityChange, EntityChangeKind, FieldChange } from './entity-change.js';
import { callRuleFunction, EntityEventShaper } from './entity-event.shaper.js';
import { changedUnder, describeId, redactChanges, redactSnapshot, snapshotColumns } from './entity-snapshot.js';
import { type OutboxEventInput, OutboxEventWriter } from './outbox-event.writer.js';
import { type EmissionRule, WebhookMetadataAccessor } from './webhook-metadata.accessor.js';

/** The entity's states around one change, before redaction, and the object saved (for its loaded relations). */
export type ChangeStates = Pick<EntityChange, 'entity' | 'previous' | 'changes'> & { saved?: ObjectLiteral };

/** Changes held on a transaction's query runner until it commits (subscribers are singletons: state lives there). */
const PENDING_CHANGES = 'webhookOutboxPendingChanges';

/** A change held until its transaction commits. */
interface PendingChange {
  kind: EntityChangeKind;
  metadata: EntityMetadata;
  states: ChangeStates;
  /** The transaction depth it was made at (2 and more: inside a savepoint). */
  depth: number;
  /** Entity and primary key, or `null` when the row has no key to coalesce by. */
  row: string | null;
}

/** TypeORM counts nested transactions (savepoints) on the query runner; the counter is not in its typings. */
function transactionDepth(queryRunner: QueryRunner): number {
  return (queryRunner as unknown as { transactionDepth?: number }).transactionDepth ?? 1;
}

function rowKey(metadata: EntityMetadata, states: ChangeStates): string | null {
  const id = describeId(metadata, states.entity);
  return id === null ? null : `${metadata.name}:${id}`;
}

/** Changes grouped by row, in the order each row first changed; keyless changes stay alone. */
function groupByRow(pending: PendingChange[]): Map<string | symbol, PendingChange[]> {
  const groups = new Map<string | symbol, PendingChange[]>();
  for (const change of pending) {
    const key = change.row ?? Symbol('keyless');
    const group = groups.get(key);
    if (group) group.push(change);
    else groups.set(key, [change]);
  }
  return groups;
}

/**
 * One row's changes in a transaction, as few as say the same: insert + updates is one insert of the final state,
 * updates are one update (first `previous`, merged `changes`; none at all if the values came back), update +
 * remove is the remove, insert + remove is nothing (the row never existed outside the transaction). Soft removals
 * and recoveries are kept as they are.
 */
function coalesce(changes: readonly PendingChange[]): PendingChange[] {
  const out: PendingChange[] = [];
  for (const change of changes) {
    const last = out.at(-1);
    const merged = last ? merge(last, change) : undefined;
    if (merged === undefined) out.push(change);
    else if (merged === null) out.pop();
    else out[out.length - 1] = merged;
  }
  return out;
}

/** `a` then `b` as one change; `null`: as none; `undefined`: they do not merge. */
function merge(a: PendingChange, b: PendingChange): PendingChange | null | undefined {
  if (a.kind === 'insert' && b.kind === 'update')
    return { ...a, states: { entity: b.states.entity, saved: b.states.saved } };
  if (a.kind === 'insert' && b.kind === 'remove') return null;
  if (a.kind === 'update' && b.kind === 'remove')
    return { ...b, states: { ...b.states, previous: a.states.previous ?? b.states.previous } };
  if (a.kind === 'update' && b.kind === 'update') {
    const changes = mergeChanges(a.states.changes ?? {}, b.states.changes ?? {});
    if (Object.keys(changes).length === 0) return null;
    return { ...b, states: { ...b.states, previous: a.states.previous, changes } };
  }
  return undefined;
}

function mergeChanges(
  first: Record<string, FieldChange>,
  second: Record<string, FieldChange>,
): Record<string, FieldChange> {
  const merged: Record<string, FieldChange> = {};
  for (const field of new Set([...Object.keys(first), ...Object.keys(second)])) {
    const change = {
      old: first[field] ? first[field]!.old : second[field]!.old,
      new: second[field] ? second[field]!.new : first[field]!.new,
    };
    if (JSON.stringify(change.old ?? null) !== JSON.stringify(change.new ?? null)) merged[field] = change;
  }
  return merged;
}

/** Where a change happened: its entity, and the caller's manager and transaction. */
export interface ChangeContext {
  metadata: EntityMetadata;
  manager: EntityManager;
  queryRunner: QueryRunner;
}

/**
 * Applies an entity's `@EmitsWebhook` rules to one change and writes the events they produce, through the caller's
 * manager. Shared by the subscriber (changes TypeORM reports with the entity) and the statement capture
 * (`update()`/`delete()`/`upsert()` by key, whose rows it loads itself).
 */
@Injectable()
export class EntityChangeCapture {
  private readonly logger = new Logger(EntityChangeCapture.name);
  private readonly warned = new Set<string>();

  constructor(
    private readonly rules: WebhookMetadataAccessor,
    private readonly shaper: EntityEventShaper,
    private readonly writer: OutboxEventWriter,
  ) {}

  /** The entity's rules that emit on `kind`. */
  rulesOf(metadata: EntityMetadata, kind: EntityChangeKind): readonly EmissionRule[] {
    return this.rules.rulesFor(metadata, kind);
  }

  /** Whether any rule of the entity emits on `kind`. */
  emits(metadata: EntityMetadata, kind: EntityChangeKind): boolean {
    return this.rulesOf(metadata, kind).length > 0;
  }

  /**
   * Takes one change. Inside a transaction it is held until the transaction commits (`beforeCommit`), so that the
   * changes of one row can be coalesced; outside one (e.g. `insert()` without a transaction) its events are written
   * at once.
   */
  async capture(kind: EntityChangeKind, context: ChangeContext, states: ChangeStates): Promise<void> {
    const { queryRunner, metadata } = context;
    if (!queryRunner.isTransactionActive) {
      const events: OutboxEventInput[] = [];
      for (const rule of this.rulesOf(metadata, kind)) {
        const event = await this.apply(rule, kind, context, states);
        if (event) events.push(event);
      }
      await this.writer.writeAll(context.manager, queryRunner, events);
      return;
    }
    queryRunner.data[PENDING_CHANGES] ??= [];
    const pending = queryRunner.data[PENDING_CHANGES] as PendingChange[];
    pending.push({ kind, metadata, states, depth: transactionDepth(queryRunner), row: rowKey(metadata, states) });
  }

  /**
   * Before a commit: a savepoint's changes become its parent's; at the outermost commit, every held change is written,
   * in the transaction, before COMMIT. An error from a rule (a `payload` that throws) fails the commit, so the
   * transaction rolls back with nothing written.
   */
  async beforeCommit(queryRunner: QueryRunner): Promise<void> {
    const pending = queryRunner.data[PENDING_CHANGES] as PendingChange[] | undefined;
    if (!pending?.length) return;
    const depth = transactionDepth(queryRunner);
    if (depth > 1) {
      for (const change of pending) if (change.depth >= depth) change.depth = depth - 1;
      return;
    }
    delete queryRunner.data[PENDING_CHANGES];
    // Every event of the transaction in one multi-row insert: 100 saved entities cost one statement, not 100.
    const events: OutboxEventInput[] = [];
    for (const [, changes] of groupByRow(pending)) {
      const context: ChangeContext = { metadata: changes[0]!.metadata, manager: queryRunner.manager, queryRunner };
      const coalesced = coalesce(changes);
      for (const rule of this.rules.rulesFor(context.metadata)) {
        for (const change of rule.coalesce ? coalesced : changes) {
          if (rule.types[change.kind] === undefined) continue;
          const event = await this.apply(rule, change.kind, context, change.states);
          if (event) events.push(event);
        }
      }
    }
    await this.writer.writeAll(queryRunner.manager, queryRunner, events);
  }

  /** Before a rollback: the changes made since the transaction (or savepoint) began are forgotten. */
  beforeRollback(queryRunner: QueryRunner): void {
    const pending = queryRunner.data[PENDING_CHANGES] as PendingChange[] | undefined;
    if (!pending?.length) return;
    const depth = transactionDepth(queryRunner);
    const kept = pending.filter((change) => change.depth < depth);
    if (kept.length > 0) queryRunner.data[PENDING_CHANGES] = kept;
    else delete queryRunner.data[PENDING_CHANGES];
  }

  /** The event a rule makes of a change, or `null` if it emits none (its trigger or condition says no). */
  private async apply(
    rule: EmissionRule,
    kind: EntityChangeKind,
    { metadata, manager, queryRunner }: ChangeContext,
    states: ChangeStates,
  ): Promise<OutboxEventInput | null> {
    // The column trigger looks at what changed, redacted columns included (a change of a secret may be the news).
    if (kind === 'update' && rule.columns && !rule.columns.some((column) => changedUnder(states.changes, column)))
      return null;
    const type = rule.types[kind]!;
    // Everything user code and the outbox see from here on is redacted.
    const change: EntityChange = {
      kind,
      type,
      entity: redactSnapshot(this.withRelations(rule, metadata, states.entity, states.saved), rule.redact),
      ...(states.previous && { previous: redactSnapshot(states.previous, rule.redact) }),
      ...(states.changes && { changes: redactChanges(states.changes, rule.redact) }),
    };
    if (rule.when && !callRuleFunction(metadata, 'when', () => rule.when!(change))) return null;

    if (!queryRunner.isTransactionActive) {
      this.warnOnce(
        `${metadata.name}:no-transaction`,
        `${metadata.name}: a change was captured outside a transaction (e.g. repository.insert()), so the change and ` +
          'its webhook are not atomic. Use save()/remove() or run the call inside dataSource.transaction().',
      );
    }
    const event = this.shaper.shape(rule, metadata, manager.connection, change, states.entity);
    return {
      ...event,
      sequence: event.sourceId === null ? null : await this.shaper.sequence(kind, metadata, manager, event.sourceId),
    };
  }

  /** The rule's `relations` as objects where the saved entity has them loaded (otherwise their ids stay). */
  private withRelations(
    rule: EmissionRule,
    metadata: EntityMetadata,
    entity: Record<string, unknown>,
    saved: ObjectLiteral | undefined,
  ) {
    if (rule.relations.length === 0 || !saved) return entity;
    const result = { ...entity };
    for (const path of rule.relations) {
      const relation = metadata.findRelationWithPropertyPath(path)!;
      const value = relation.getEntityValue(saved) as unknown;
      const related = relation.inverseEntityMetadata;
      // Not loaded: absent, or a stub with its key only (TypeORM puts `{ id }` on an updated entity): keep the id.
      const primary = new Set(related.primaryColumns.map((column) => column.propertyName));
      const isStub = (item: unknown) =>
        typeof item === 'object' && item !== null && Object.keys(item).every((key) => primary.has(key));
      if (value === undefined || isStub(value) || (Array.isArray(value) && value.some(isStub))) continue;
      const excluded = this.rules.excludedColumns(related);
      const asObject = (item: ObjectLiteral | null) =>
        item === null ? null : redactSnapshot(snapshotColumns(related, item), excluded);
      result[path] = Array.isArray(value) ? value.map(asObject) : asObject(value as ObjectLiteral | null);
    }
    return result;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}
