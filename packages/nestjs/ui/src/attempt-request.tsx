import type { Attempt, SentRequest } from './api-client.js';

/** An attempt's request as stored when it was sent (`attemptLog[i].request`); `null` when none was kept. */
type AttemptRequest = NonNullable<Attempt['request']>;

/** Method, URL and headers of a request, signature and credential values elided by the API. */
function RequestLines({ request }: { request: AttemptRequest | SentRequest }) {
  return (
    <>
      <pre class="request-line" data-testid="request-line">
        {request.method} {request.url}
      </pre>
      <pre class="request-headers" data-testid="request-headers">
        {Object.entries(request.headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n')}
      </pre>
    </>
  );
}

/**
 * What one attempt sent, as recorded when it was sent: a later change of the endpoint's URL or headers does not
 * rewrite history. Attempts recorded before requests were kept (or that sent nothing) say so.
 */
export function AttemptSent({ attempt }: { attempt: Attempt }) {
  const request = attempt.request;
  if (!request)
    return (
      <p class="muted" data-testid="request-not-stored">
        {attempt.statusCode === null && attempt.error
          ? 'No request was stored for this attempt: it may have been stopped before sending (see the error below), or recorded before requests were kept.'
          : 'The request of this attempt was not stored: it was recorded before the dashboard kept each request as sent.'}
      </p>
    );
  return (
    <div class="sent" data-testid="attempt-request">
      <RequestLines request={request} />
      <p class="muted">
        {request.method === 'GET'
          ? 'No body: a GET carries the event in its query.'
          : 'Body: the body of record above, byte for byte.'}
      </p>
    </div>
  );
}

/**
 * For a delivery never attempted: what its first attempt will send, rebuilt from the endpoint as it is configured
 * now, labelled so (it is a forecast, not a record). `null` when its endpoint is gone or cannot sign.
 */
export function RebuiltRequest({ request }: { request: SentRequest | null }) {
  if (!request)
    return (
      <p class="muted" data-testid="rebuilt-request">
        Not attempted yet, and its endpoint is gone or cannot send it: no request can be shown.
      </p>
    );
  return (
    <section data-testid="rebuilt-request" aria-labelledby="rebuilt-title">
      <h3 id="rebuilt-title">Will be sent as (rebuilt from the endpoint's current settings)</h3>
      <p class="muted">
        Not attempted yet. Signature and credential values are elided; a traceparent is added when tracing is on.
      </p>
      <RequestLines request={request} />
    </section>
  );
}
