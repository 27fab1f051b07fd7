/**
 * An endpoint's subscription to event types: `*` (everything), `order.*` (every type under `order.`), or an
 * exact type such as `order.created`.
 */
export type EventTypePattern = { kind: 'all' } | { kind: 'prefix'; prefix: string } | { kind: 'exact'; type: string };

const TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Parses a pattern, refusing forms that would silently match nothing (e.g. `order*`, `*.created`). */
export function parseEventTypePattern(pattern: string): EventTypePattern {
  if (pattern === '*') return { kind: 'all' };
  if (pattern.endsWith('.*') && TYPE.test(pattern.slice(0, -2)))
    return { kind: 'prefix', prefix: pattern.slice(0, -1) };
  if (TYPE.test(pattern)) return { kind: 'exact', type: pattern };
  throw new Error(
    `"${pattern}" is not an event type pattern: use an exact type ("order.created"), a prefix ("order.*") or "*".`,
  );
}

/** Whether `type` is matched by any of `patterns`. */
export function matchesEventType(patterns: readonly EventTypePattern[], type: string): boolean {
  return patterns.some((pattern) => {
    switch (pattern.kind) {
      case 'all':
        return true;
      case 'prefix':
        return type.startsWith(pattern.prefix);
      case 'exact':
        return type === pattern.type;
      default:
        return false;
    }
  });
}
