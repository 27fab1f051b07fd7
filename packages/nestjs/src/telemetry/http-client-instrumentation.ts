import http from 'node:http';
import https from 'node:https';

/** The last `request` functions looked at, and whether either was replaced (checked again only when they change). */
let seen: { http: unknown; https: unknown; instrumented: boolean } | undefined;

/**
 * Whether something replaced `http.request` or `https.request` (an OpenTelemetry HTTP instrumentation, another APM
 * agent): its spans and headers would then follow the active context, so the relay's requests must run in the attempt
 * span's context with tracing suppressed. Node's own functions are recognised by their source (`new ClientRequest`
 * in `http.request`, `ClientRequest` in `https.request`) and the absence of shimmer's `__wrapped` mark.
 */
export function httpClientInstrumented(): boolean {
  if (seen?.http !== http.request || seen.https !== https.request) {
    seen = {
      http: http.request,
      https: https.request,
      instrumented: replaced(http.request, 'new ClientRequest(') || replaced(https.request, 'ClientRequest'),
    };
  }
  return seen.instrumented;
}

function replaced(request: (...args: never[]) => unknown, nodeSource: string): boolean {
  return '__wrapped' in request || !Function.prototype.toString.call(request).includes(nodeSource);
}
