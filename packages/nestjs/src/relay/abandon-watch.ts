/** The message of an exchange ended by its abandon signal: the signal's reason, as the relay's attempt log shows it. */
export function abandonedMessage(reason: unknown): string {
  return `abandoned: ${String((reason as Error)?.message ?? reason)}`;
}

/**
 * Tells the exchanges in flight that their abandon signal aborted, with one listener per signal however many
 * exchanges share it (a claim's deliveries all share one). A listener per request, and an AbortController per
 * request to pass it on to `http.request`, cost several per cent of the relay's CPU at thousands of requests per
 * second.
 */
export class AbandonWatch {
  private readonly watchers = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

  /** Calls `onAbandon` if `signal` aborts before the returned function is called. */
  watch(signal: AbortSignal | undefined, onAbandon: (reason: unknown) => void): () => void {
    if (signal === undefined) return noop;
    let watchers = this.watchers.get(signal);
    if (watchers === undefined) {
      const created = new Set<(reason: unknown) => void>();
      watchers = created;
      this.watchers.set(signal, created);
      signal.addEventListener(
        'abort',
        () => {
          this.watchers.delete(signal);
          for (const watcher of created) watcher(signal.reason);
        },
        { once: true },
      );
    }
    const watching = watchers;
    watching.add(onAbandon);
    return () => watching.delete(onAbandon);
  }
}

const noop = (): void => undefined;
