import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { readNextDue } from './stores/next-due.statements.js';

/**
 * When the module's outbox next has work that no commit announces: how long an idle relay that every commit wakes
 * may sleep (see `RelayOrchestrator`).
 */
@Injectable()
export class OutboxDueTimes {
  constructor(@Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * `now` while events wait to be fanned out; else the earliest of a claimable delivery's due time, a lease's lapse
   * and a pause's end (epoch ms); `null` when there is none of these.
   */
  nextDueAt(now: number): Promise<number | null> {
    return readNextDue(this.dataSource, now);
  }
}
