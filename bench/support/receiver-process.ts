import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

export type ReceiverRequest =
  | { type: 'until'; id: number; count: number }
  | { type: 'count'; id: number }
  | { type: 'window'; id: number; count: number }
  | { type: 'arrivals'; id: number };
export type ReceiverReply =
  | { type: 'ready'; port: number }
  | { type: 'reached'; id: number }
  | { type: 'count'; id: number; received: number }
  | { type: 'window'; id: number; first: number; last: number }
  | { type: 'arrivals'; id: number; arrivals: Array<[number, number]> };

/** The wall clock the receiver process notes arrivals on, in ms: comparable across processes. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A webhook receiver in a child process (receiver.process.ts), so that it does not share the event loop of the
 * relay or the client it measures, as no real receiver does.
 */
export class ReceiverProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (reply: ReceiverReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (reply: ReceiverReply) => {
      if (reply.type === 'ready') return;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /**
   * `hangPath`: requests to it are never answered. `uncountedPath`: requests to it are answered but not counted.
   * `arrivals`: note when each order's event arrives.
   */
  static async start({
    hangPath,
    uncountedPath,
    arrivals = false,
  }: {
    hangPath?: string;
    uncountedPath?: string;
    arrivals?: boolean;
  } = {}): Promise<ReceiverProcess> {
    const child = fork(new URL('./receiver.process.ts', import.meta.url), {
      env: {
        ...process.env,
        RECEIVER_HANG_PATH: hangPath ?? '',
        RECEIVER_UNCOUNTED_PATH: uncountedPath ?? '',
        RECEIVER_ARRIVALS: arrivals ? '1' : '0',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [ready] = (await once(child, 'message')) as [ReceiverReply];
    if (ready.type !== 'ready') throw new Error(`receiver process: expected "ready", got "${ready.type}"`);
    return new ReceiverProcess(child, `http://127.0.0.1:${ready.port}`);
  }

  /** The child's pid, to count its CPU. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Requests answered so far. */
  async received(): Promise<number> {
    const reply = await this.ask({ type: 'count', id: this.nextId++ });
    return reply.type === 'count' ? reply.received : 0;
  }

  /** Resolves once `count` requests have been answered in all; fails after `timeoutMs` rather than hang the run. */
  async until(count: number, timeoutMs = 120_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`receiver process: ${count} requests not answered within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.ask({ type: 'until', id: this.nextId++, count }), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Requests per second as the receiver saw them: the window's first `count` answers, over the time from the first
   * of them to the last. Starts a new window.
   */
  async rate(count: number): Promise<number> {
    const reply = await this.ask({ type: 'window', id: this.nextId++, count });
    if (reply.type !== 'window' || reply.last <= reply.first)
      throw new Error('receiver process: no requests in the window');
    // count answers span count - 1 intervals.
    return ((count - 1) * 1000) / (reply.last - reply.first);
  }

  /** When each order's event (by order id) first arrived, on `wallClock()`. */
  async arrivals(): Promise<Map<number, number>> {
    const reply = await this.ask({ type: 'arrivals', id: this.nextId++ });
    return new Map(reply.type === 'arrivals' ? reply.arrivals : []);
  }

  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.kill();
    await exited;
  }

  private ask(request: ReceiverRequest): Promise<ReceiverReply> {
    return new Promise((resolve) => {
      this.pending.set(request.id, resolve);
      this.child.send(request);
    });
  }
}
