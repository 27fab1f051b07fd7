import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * The portal links the host app mints (`WebhookPortal.createLink()`): one row per link, so a link opens one session
 * across every instance (its exchange is a conditional update of `used_at`) and revoking it ends its sessions.
 * `tenant` is indexed for `revokeTenant()`, `expires_at` for pruning old links.
 */
export class AddPortalLinks1808000000000 implements MigrationInterface {
  name = 'AddPortalLinks1808000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, bigint, primaryId } = columnsFor(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'webhook_portal_link',
        columns: [
          primaryId(),
          varchar('tenant', 191),
          bigint('created_at'),
          bigint('expires_at'),
          bigint('used_at', true),
          bigint('revoked_at', true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_webhook_portal_link_tenant', columnNames: ['tenant'] }),
          new TableIndex({ name: 'IDX_webhook_portal_link_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_portal_link');
  }
}
