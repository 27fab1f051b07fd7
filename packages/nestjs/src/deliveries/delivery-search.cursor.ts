/** Where a page of a search ended: the last delivery's creation time and id (the log's order, newest first). */
export interface DeliverySearchPosition {
  createdAt: number;
  id: string;
}

/** The longest id a delivery has (its column's length). */
const MAX_ID_LENGTH = 64;

/** An opaque `cursor`: the position as base64url text, so callers pass it back rather than build it. */
export function encodeCursor(position: DeliverySearchPosition): string {
  return Buffer.from(`${position.createdAt}.${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or `undefined` for text no search gave. */
export function decodeCursor(cursor: string): DeliverySearchPosition | undefined {
  if (cursor.length === 0 || cursor.length > 128 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const dot = text.indexOf('.');
  if (dot <= 0) return undefined;
  const createdAt = Number(text.slice(0, dot));
  const id = text.slice(dot + 1);
  if (!/^\d+$/.test(text.slice(0, dot)) || !Number.isSafeInteger(createdAt)) return undefined;
  if (id.length === 0 || id.length > MAX_ID_LENGTH) return undefined;
  return { createdAt, id };
}

/** Digits, then letters: their order in binary, case-insensitive and Unicode collations alike. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The key range holding every text that starts with `prefix`: from the prefix itself to below the next prefix, or
 * with no end (`below: null`) when none exists. The next prefix increments the last letter or digit (`9` → `a`,
 * `z` carries), dropping what follows it: digits before letters and `a` before `b` hold in every collation, where a
 * code point plus one (`9` → `:`) may sort first.
 */
export function prefixRange(prefix: string): { from: string; below: string | null } {
  for (let end = prefix.length - 1; end >= 0; end--) {
    const char = prefix[end]!;
    const at = ALPHABET.indexOf(char.toLowerCase());
    if (at < 0 || at === ALPHABET.length - 1) continue;
    const next = ALPHABET[at + 1]!;
    // Keep the case of a letter, so binary collations (where `Z` < `a`) see the same order.
    const cased = char === char.toUpperCase() && char !== char.toLowerCase() ? next.toUpperCase() : next;
    return { from: prefix, below: prefix.slice(0, end) + cased };
  }
  return { from: prefix, below: null };
}
