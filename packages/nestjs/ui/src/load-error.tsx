import type { ApiState } from './use-api.js';
import { formatTime } from './time-format.js';

/**
 * Why a view's data could not be loaded (the API down, an error answer), with a way to try again: never a
 * "Loading…" that waits for ever. When older data is still shown, says since when it is stale.
 */
export function LoadError({ state }: { state: Pick<ApiState<unknown>, 'error' | 'reload' | 'updatedAt'> }) {
  if (!state.error) return null;
  return (
    <div class="error" role="alert" data-testid="load-error">
      {state.error.message}
      {state.updatedAt !== undefined && ` What is shown is from ${formatTime(state.updatedAt)}.`}{' '}
      <button type="button" onClick={() => void state.reload()}>
        Try again
      </button>
    </div>
  );
}

/** "Updated 09:41:03 UTC" under a live view: the reader sees that it is live, and how fresh. */
export function UpdatedAt({ at }: { at: number | undefined }) {
  if (at === undefined) return null;
  return (
    <p class="muted updated" data-testid="updated-at" aria-live="off">
      Updated {formatTime(at)}; refreshes on its own while this tab is shown.
    </p>
  );
}
