import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';

/**
 * Tells the relay that events were committed in this process, so it need not wait for its next poll. Other
 * processes' commits are found by polling.
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
