import type { EndpointStatus } from './api-client.js';
import { formatTime } from './time-format.js';

/** What an endpoint's state is in truth: `failing` too when the server's answer predates that state. */
export function truthfulState(endpoint: EndpointStatus): 'active' | 'failing' | 'paused' | 'disabled' {
  const state = endpoint.state as string;
  if (state === 'active' && endpoint.failingSince !== null) return 'failing';
  return state as 'active' | 'failing' | 'paused' | 'disabled';
}

/**
 * An endpoint's state with what qualifies it: disabled why (and since when), paused until when, failing since when;
 * a failing run under a pause or a disable is said too, since both are true.
 */
export function EndpointState({ endpoint }: { endpoint: EndpointStatus }) {
  const state = truthfulState(endpoint);
  return (
    <span class="endpoint-state" data-testid="endpoint-state">
      <span class={`status ${state}`}>{state}</span>
      {endpoint.disabled && (
        <span class="muted">
          {' '}
          since {formatTime(endpoint.disabled.at)}: {endpoint.disabled.reason || 'no reason given'}
        </span>
      )}
      {endpoint.pausedUntil !== null && <span class="muted"> until {formatTime(endpoint.pausedUntil)}</span>}
      {endpoint.failingSince !== null && (
        <span class="muted">
          {state === 'failing' ? ' since ' : '; failing since '}
          {formatTime(endpoint.failingSince)}
        </span>
      )}
    </span>
  );
}
