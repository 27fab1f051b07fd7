import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSourceOptions } from 'typeorm';
import { freePort } from './loopback.js';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of a test's own, in a temp folder on a port of its own, for tests that stop and restart the
 * database: never the shared server other suites run against. Started with `initdb` and `pg_ctl` as the `postgres`
 * user (PostgreSQL refuses to run as root).
 */
export class ThrowawayPostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  /** Creates and starts a cluster (about 2-3 s). */
  static async create(): Promise<ThrowawayPostgres> {
    const { stdout } = await run('pg_config', ['--bindir']);
    const dir = mkdtempSync(join(tmpdir(), 'webhook-outbox-pg-'));
    const { stdout: ids } = await run('id', ['-u', 'postgres']);
    const { stdout: gids } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(ids), Number(gids));
    const cluster = new ThrowawayPostgres(dir, await freePort(), stdout.trim());
    await cluster.asPostgres(
      `${cluster.bin}/initdb -D ${dir}/data -A trust -U postgres --no-sync > ${dir}/initdb.log 2>&1`,
    );
    await cluster.start();
    return cluster;
  }

  /** TypeORM options for its `postgres` database. */
  get options(): DataSourceOptions {
    return { type: 'postgres', host: '127.0.0.1', port: this.port, username: 'postgres', database: 'postgres' };
  }

  async start(): Promise<void> {
    await this.asPostgres(
      `${this.bin}/pg_ctl -D ${this.dir}/data -o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off" -l ${this.dir}/server.log -w start`,
    );
  }

  /** Stops at once, cutting every connection (`-m fast`). */
  async stop(): Promise<void> {
    await this.asPostgres(`${this.bin}/pg_ctl -D ${this.dir}/data -m fast -w stop`);
  }

  /** Stops it if running and deletes its folder. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private asPostgres(command: string): Promise<unknown> {
    return run('su', ['postgres', '-s', '/bin/sh', '-c', command]);
  }
}
