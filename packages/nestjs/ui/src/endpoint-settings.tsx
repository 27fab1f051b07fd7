import type { EndpointStatus } from './api-client.js';
import { formatTime } from './time-format.js';

/** How a rate limit reads: `10 per second`, or "none". */
function rateText(rateLimit: EndpointStatus['rateLimit']): string {
  if (rateLimit?.perSecond !== undefined) return `at most ${rateLimit.perSecond} per second`;
  if (rateLimit?.perMinute !== undefined) return `at most ${rateLimit.perMinute} per minute`;
  return 'none';
}

/** An endpoint's stored settings, read-only: what it receives, how it is sent and signed. Header values stay hidden. */
export function EndpointSettings({ endpoint }: { endpoint: EndpointStatus }) {
  const headerNames = Object.keys(endpoint.headers);
  return (
    <dl class="settings" data-testid="endpoint-settings">
      <dt>URL</dt>
      <dd class="wrap">{endpoint.url}</dd>
      <dt>Event types</dt>
      <dd>{endpoint.eventTypes.join(', ')}</dd>
      <dt>Method, body</dt>
      <dd data-testid="setting-method">
        {endpoint.method}, {endpoint.method === 'GET' ? 'fields in the query' : endpoint.bodyFormat},{' '}
        {endpoint.payloadFormat === 'thin' ? 'thin (type and id only)' : 'full event'}
      </dd>
      <dt>Rate limit</dt>
      <dd data-testid="setting-rate-limit">{rateText(endpoint.rateLimit)}</dd>
      <dt>Custom headers</dt>
      <dd data-testid="setting-headers">
        {headerNames.length === 0 ? 'none' : headerNames.map((name) => `${name}: ${endpoint.headers[name]}`).join(', ')}
        {headerNames.length > 0 && <span class="muted"> (values write-only)</span>}
      </dd>
      <dt>Filter</dt>
      <dd>
        {endpoint.filter ? (
          <pre class="wrap" data-testid="setting-filter">
            {JSON.stringify(endpoint.filter, null, 2)}
          </pre>
        ) : (
          'none: every event of its types'
        )}
      </dd>
      <dt>Transformation</dt>
      <dd>
        {endpoint.transform ? (
          <pre class="wrap" data-testid="setting-transform">
            {endpoint.transform === '(function)' ? 'a function in the application’s code' : endpoint.transform}
          </pre>
        ) : (
          'none'
        )}
      </dd>
      <dt>Trace headers</dt>
      <dd>{endpoint.traceHeaders ? 'sent when tracing is on' : 'never sent'}</dd>
      <dt>Signature</dt>
      <dd>
        {endpoint.signature === 'v1a' ? 'v1a (ed25519)' : 'v1 (HMAC-SHA256)'}
        {endpoint.publicKeys.map((key) => (
          <div class="muted wrap" key={key} data-testid="public-key">
            public key: <code>{key}</code>
          </div>
        ))}
        {endpoint.previousSecretExpiresAt !== null && (
          <div class="muted" data-testid="previous-secret">
            previous secret signs until {formatTime(endpoint.previousSecretExpiresAt)}
          </div>
        )}
      </dd>
      {endpoint.tenant !== null && (
        <>
          <dt>Tenant</dt>
          <dd>{endpoint.tenant}</dd>
        </>
      )}
    </dl>
  );
}
