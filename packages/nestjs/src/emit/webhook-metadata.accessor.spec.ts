import { Reflector } from '@nestjs/core';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { EmitsWebhook } from './emits-webhook.decorator.js';
import { WebhookExclude } from './webhook-exclude.decorator.js';
import { defaultEventName, WebhookMetadataAccessor } from './webhook-metadata.accessor.js';

describe('default event names', () => {
  it.each([
    ['Order', 'order'],
    ['OrderItem', 'order_item'],
    ['OrderItemEntity', 'order_item'],
    ['HTTPRequestLog', 'http_request_log'],
    ['Entity', 'entity'],
  ])('names events of %s "%s.*"', (className, name) => {
    expect(defaultEventName(className)).toBe(name);
  });
});

describe('@EmitsWebhook rules, as read at startup', () => {
  async function load(...entities: Function[]) {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities });
    await dataSource.initialize();
    try {
      const accessor = new WebhookMetadataAccessor(new Reflector());
      accessor.load(dataSource);
      return accessor.rulesFor(dataSource.getMetadata(entities[0]!));
    } finally {
      await dataSource.destroy();
    }
  }

  @EmitsWebhook({ name: 'ticket' })
  @EmitsWebhook({ types: { update: 'ticket.escalated' }, columns: ['priority'] })
  @Entity()
  class Ticket {
    @PrimaryGeneratedColumn() id!: number;
    @Column({ type: 'varchar' }) priority!: string;
    @WebhookExclude() @Column({ type: 'varchar' }) secret!: string;
  }

  it('keeps the rules in the order written, names each operation, and excludes @WebhookExclude columns from every rule', async () => {
    const [all, escalated] = await load(Ticket);
    expect(all).toMatchObject({
      types: {
        insert: 'ticket.created',
        update: 'ticket.updated',
        remove: 'ticket.deleted',
        'soft-remove': 'ticket.deleted',
        recover: 'ticket.restored',
      },
      redact: ['secret'],
    });
    // `types` without `on`: only the operations it names emit.
    expect(escalated).toMatchObject({
      types: { update: 'ticket.escalated' },
      columns: ['priority'],
      redact: ['secret'],
    });
  });

  @EmitsWebhook({ columns: ['priorty'] })
  @Entity()
  class TypoColumn {
    @PrimaryGeneratedColumn() id!: number;
    @Column({ type: 'varchar' }) priority!: string;
  }

  @EmitsWebhook({ redact: ['email'] })
  @Entity()
  class TypoRedact {
    @PrimaryGeneratedColumn() id!: number;
  }

  @EmitsWebhook({ name: 'note' })
  @EmitsWebhook({ types: { update: 'note.updated' } })
  @Entity()
  class TwoRulesOneType {
    @PrimaryGeneratedColumn() id!: number;
  }

  @EmitsWebhook({ types: { upsert: 'x.y' } as never })
  @Entity()
  class UnknownOperation {
    @PrimaryGeneratedColumn() id!: number;
  }

  it.each([
    [TypoColumn, /@EmitsWebhook on TypoColumn: columns names "priorty", not a column; the columns are id, priority/],
    [TypoRedact, /@EmitsWebhook on TypoRedact: redact names "email", not a column/],
    [TwoRulesOneType, /@EmitsWebhook on TwoRulesOneType: two rules emit "note.updated"/],
    [UnknownOperation, /types has an unknown operation "upsert"/],
  ])('refuses %o at startup, saying what is wrong', async (entity, message) => {
    await expect(load(entity)).rejects.toThrow(WebhookConfigurationError);
    await expect(load(entity)).rejects.toThrow(message);
  });
});
