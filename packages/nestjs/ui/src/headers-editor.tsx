import { useState } from 'preact/hooks';
import type { ApiError } from './api-client.js';
import { fieldError } from './endpoint-api.js';
import { describedBy, FieldError } from './form-field.js';

/** How the API shows (and accepts back, to keep it) a stored header value: write-only values are never read. */
export const MASKED_HEADER_VALUE = '…';

/** One custom header being edited; `storedName`: the name its value is stored under (`null` for a new one). */
export interface HeaderRow {
  key: number;
  name: string;
  value: string;
  storedName: string | null;
}

/** Whether a row keeps its stored value: nothing typed over it, and still under the name it is stored under. */
export const keepsStoredValue = (row: HeaderRow) => row.value === '' && row.storedName === row.name.trim();

/** The rows of a stored set of headers (values masked by the API). */
export function headerRows(headers: Record<string, string> | undefined): HeaderRow[] {
  return Object.keys(headers ?? {}).map((name, key) => ({ key, name, value: '', storedName: name }));
}

/** The headers to send: a kept value goes back masked, which the API reads as "keep what is stored". */
export function headersOf(rows: readonly HeaderRow[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const row of rows) {
    if (row.name.trim() === '') continue;
    headers[row.name.trim()] = keepsStoredValue(row) ? MASKED_HEADER_VALUE : row.value;
  }
  return headers;
}

/**
 * Custom request headers: names shown, values write-only. A stored value shows as "stored, hidden" and is kept unless
 * a new one is typed; a renamed header needs its value again (the API keeps a value only under its name).
 */
export function HeadersEditor({
  rows,
  onChange,
  error,
  disabled,
}: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  error: ApiError | undefined;
  disabled: boolean;
}) {
  const [nextKey, setNextKey] = useState(1000);
  const change = (key: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const whole = error?.fields.some((f) => f.field === 'headers') ? fieldError(error, 'headers') : undefined;
  return (
    <fieldset class="headers-editor" data-testid="headers-editor" aria-describedby="endpoint-headers-hint">
      <legend>Custom headers</legend>
      <p class="muted hint" id="endpoint-headers-hint">
        Sent with every request, e.g. a credential of the receiver's. Values are write-only: a stored value is never
        shown again and is kept unless you type a new one.
      </p>
      {rows.map((row, index) => {
        const id = `endpoint-header-${index}`;
        const message = row.name.trim() === '' ? undefined : fieldError(error, `headers.${row.name.trim()}`);
        return (
          <div class="header-row" key={row.key}>
            <label for={`${id}-name`}>Name</label>
            <input
              {...describedBy(`${id}-name`, message)}
              name="headerName"
              value={row.name}
              disabled={disabled}
              autocomplete="off"
              onInput={(e) => change(row.key, { name: e.currentTarget.value })}
            />
            <label for={`${id}-value`}>Value</label>
            <input
              id={`${id}-value`}
              name="headerValue"
              type="password"
              autocomplete="off"
              value={row.value}
              placeholder={keepsStoredValue(row) ? 'stored, hidden: type to replace' : ''}
              disabled={disabled}
              onInput={(e) => change(row.key, { value: e.currentTarget.value })}
            />
            <button
              type="button"
              disabled={disabled}
              aria-label={`Remove the header ${row.name || index + 1}`}
              onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
            >
              Remove
            </button>
            <FieldError id={`${id}-name`} message={message} />
          </div>
        );
      })}
      <button
        type="button"
        disabled={disabled}
        onClick={() => {
          onChange([...rows, { key: nextKey, name: '', value: '', storedName: null }]);
          setNextKey(nextKey + 1);
        }}
      >
        Add a header
      </button>
      <FieldError id="endpoint-headers" message={whole} />
    </fieldset>
  );
}
