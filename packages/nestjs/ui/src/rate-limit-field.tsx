import type { EndpointStatus } from './api-client.js';
import { describedGroup, FieldError } from './form-field.js';

/** The rate limit as typed: an amount (empty: no limit) and its window. */
export interface RateLimitValue {
  amount: string;
  per: 'perSecond' | 'perMinute';
}

/** The form's value of a stored rate limit. */
export function rateLimitValue(stored: EndpointStatus['rateLimit']): RateLimitValue {
  if (stored?.perMinute !== undefined) return { amount: String(stored.perMinute), per: 'perMinute' };
  if (stored?.perSecond !== undefined) return { amount: String(stored.perSecond), per: 'perSecond' };
  return { amount: '', per: 'perSecond' };
}

/** What the API stores: `null` for none; a typed amount as a number (the API says if it is not a whole one ≥ 1). */
export function rateLimitOf(value: RateLimitValue): { perSecond: number } | { perMinute: number } | null {
  if (value.amount.trim() === '') return null;
  const amount = Number(value.amount);
  return value.per === 'perSecond' ? { perSecond: amount } : { perMinute: amount };
}

/** "At most [n] sends per [second|minute]", empty for no limit. */
export function RateLimitField({
  value,
  onChange,
  message,
}: {
  value: RateLimitValue;
  onChange: (value: RateLimitValue) => void;
  message: string | undefined;
}) {
  return (
    <fieldset class="rate-limit" {...describedGroup('endpoint-rate-limit', message)}>
      <legend>Rate limit (empty: none)</legend>
      <label for="endpoint-rate-amount">At most</label>{' '}
      <input
        id="endpoint-rate-amount"
        name="rateLimitAmount"
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        aria-invalid={message !== undefined ? 'true' : undefined}
        aria-describedby={message !== undefined ? 'endpoint-rate-limit-error' : undefined}
        value={value.amount}
        onInput={(e) => onChange({ ...value, amount: e.currentTarget.value })}
      />{' '}
      <label for="endpoint-rate-per">sends</label>{' '}
      <select
        id="endpoint-rate-per"
        name="rateLimitPer"
        value={value.per}
        onChange={(e) => onChange({ ...value, per: e.currentTarget.value as RateLimitValue['per'] })}
      >
        <option value="perSecond">per second</option>
        <option value="perMinute">per minute</option>
      </select>
      <FieldError id="endpoint-rate-limit" message={message} />
    </fieldset>
  );
}
