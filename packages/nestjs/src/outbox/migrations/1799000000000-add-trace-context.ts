import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * Tracing: the W3C trace context active when an event was captured (`traceparent`, then `tracestate` after a space),
 * so each delivery attempt continues the producer's trace; and per stored endpoint whether requests carry
 * `traceparent`/`tracestate` headers (1, the default) or not (0).
 */
export class AddTraceContext1799000000000 implements MigrationInterface {
  name = 'AddTraceContext1799000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int } = columnsFor(queryRunner);
    await queryRunner.addColumn('webhook_event', new TableColumn(varchar('trace_context', 1000, true)));
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(int('trace_headers', false, 1)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_endpoint', 'trace_headers');
    await queryRunner.dropColumn('webhook_event', 'trace_context');
  }
}
