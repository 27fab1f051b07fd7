import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';

/**
 * Tells the relay that events were committed, so it need not wait for its next poll: those of this process (after
 * each commit) and, on PostgreSQL, those of every instance (`PostgresCommitListener`). Otherwise other processes'
 * commits are found by polling.
 */
@Injectable()
export class OutboxWakeSignal implements OnModuleDestroy {
  private readonly subject = new Subject<void>();

  /** Emits after each commit that wrote outbox events. */
  readonly committed$: Observable<void> = this.subject.asObservable();

  notifyCommitted(): void {
    this.subject.next();
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
