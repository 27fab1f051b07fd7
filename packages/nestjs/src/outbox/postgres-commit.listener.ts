import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { newPostgresClient, type PostgresClient } from '../compat/typeorm-compat.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { OutboxWakeSignal } from './outbox-wake.signal.js';
import { OUTBOX_CHANNEL } from './stores/outbox-notify.statements.js';

/**
 * The longest wait between reconnection attempts, in ms. Short, so that delivery resumes within about a second of
 * the database's return even with no local commit to wake the relay; an attempt a second against a database that
 * is down costs it nothing.
 */
const MAX_RECONNECT_DELAY = 1_000;

/**
 * On PostgreSQL, wakes this instance's relay when any instance commits outbox events: each instance announces its
 * commits with `pg_notify('webhook_outbox')` (`OutboxWakeSignal`, after the commit, never for a rollback), and this
 * keeps one connection of its own LISTENing. Polling stays as the fallback: while the
 * connection is down (a database restart), the relay polls and the listener reconnects with backoff.
 */
@Injectable()
export class PostgresCommitListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PostgresCommitListener.name);
  private client?: PostgresClient;
  private stopped = false;
  private reconnectDelay = 500;
  private reconnectTimer?: NodeJS.Timeout;
  private outage = false;

  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    private readonly wake: OutboxWakeSignal,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.dataSource.options.type !== 'postgres' || !this.options.relay.enabled) return;
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.wake.setCommitsPushed(false);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Whether a connection is listening now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async listen(): Promise<void> {
    // A connection of its own, with the pool's settings: a LISTEN must outlive any one query, so it cannot be pooled.
    const client = newPostgresClient(this.dataSource);
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      // Other instances' commits no longer reach this one: its relay polls until the connection is back.
      this.wake.setCommitsPushed(false);
      client.end().catch(() => undefined);
      if (this.stopped) return;
      if (!this.outage)
        this.logger.warn(`Lost the LISTEN connection (${error?.message ?? 'closed'}); polling until it is back.`, {
          error: error?.message ?? 'closed',
        });
      this.outage = true;
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', () => this.wake.wakeForPeerCommit());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelay = 500;
    if (this.outage) this.logger.log('LISTEN connection back.');
    this.outage = false;
    this.wake.setCommitsPushed(true);
    // Commits made while it was down were missed: look now.
    this.wake.wakeForPeerCommit();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_RECONNECT_DELAY);
  }
}
