/**
 * Decimal values as text, compared and sent by value: `'9.9'`, `9.9` and `'9.90'` are one value in a
 * `decimal(10,2)` column, and all read `'9.90'`, the form PostgreSQL and MySQL hand back. SQLite stores decimals as
 * doubles, so its driver returns `9.9` for the `'9.90'` an application saved; without this its every save would
 * report the column as changed.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * `value` (a decimal string, number or bigint) as a plain decimal string: at `scale` fractional digits when the
 * column declares one (rounded half away from zero, as the databases round on insert), otherwise without
 * insignificant zeros. Text that is not a plain decimal (`'NaN'`, `'1e5'`, `'abc'`) is returned as it is: the
 * application's value, sent unchanged.
 */
export function decimalText(value: string | number | bigint, scale?: number): string {
  if (typeof value === 'bigint') return withScale(value.toString(), '', scale);
  if (typeof value === 'number') {
    // toFixed is exact for the double's own digits below 1e21; above, String() gives an exponent, kept as is.
    if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return String(value);
    return decimalText(scale === undefined ? String(value) : value.toFixed(Math.min(scale, 100)), scale);
  }
  const match = DECIMAL.exec(value.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return value;
  const [, sign, whole = '', fraction = ''] = match;
  const text = withScale(whole, fraction, scale);
  return sign === '-' && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Unsigned digits at `scale` (or trimmed, without one), with one leading zero at most. */
function withScale(whole: string, fraction: string, scale: number | undefined): string {
  let digits = whole.replace(/^0+(?=\d)/, '') || '0';
  let kept = fraction;
  if (scale === undefined) kept = fraction.replace(/0+$/, '');
  else if (fraction.length > scale) {
    kept = fraction.slice(0, scale);
    if (fraction.charCodeAt(scale) >= 53 /* '5' */) [digits, kept] = roundedUp(digits, kept);
  } else kept = fraction.padEnd(scale, '0');
  return kept === '' ? digits : `${digits}.${kept}`;
}

/** `whole.fraction` plus one unit in the last place of `fraction`, carrying into `whole`. */
function roundedUp(whole: string, fraction: string): [string, string] {
  const all = `${whole}${fraction}`.split('').map(Number);
  let i = all.length - 1;
  while (i >= 0 && all[i] === 9) all[i--] = 0;
  if (i >= 0) all[i]! += 1;
  else all.unshift(1);
  const text = all.join('');
  const split = text.length - fraction.length;
  return [text.slice(0, split), text.slice(split)];
}
