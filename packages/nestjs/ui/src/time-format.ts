const UTC_KEY = 'webhook-outbox.utc';

/** Whether times are shown in UTC (the reader's choice, kept in this browser) rather than the browser's zone. */
export const timeZonePreference = {
  utc: (): boolean => localStorage.getItem(UTC_KEY) === '1',
  set: (utc: boolean) => (utc ? localStorage.setItem(UTC_KEY, '1') : localStorage.removeItem(UTC_KEY)),
};

/** A time with its zone, e.g. `2026-12-06 09:41:03 UTC` or `2026-12-06 10:41:03 GMT+1`; '' for none. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs == null) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
    ...(timeZonePreference.utc() && { timeZone: 'UTC' }),
  }).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`;
}

/** A duration for people: `850 ms`, `12 s`, `4 min`, `3 h`. */
export function formatAge(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
