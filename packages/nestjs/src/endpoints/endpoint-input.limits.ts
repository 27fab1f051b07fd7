/**
 * Every bound on what an endpoint's owner (a tenant, through the admin API) may give, in one place: each refusal is
 * a 400 naming the field. Sized far above real use, far below what would burden a process or a receiver.
 */

/** `url`: characters, as the `webhook_endpoint.url` column holds. */
export const MAX_URL_LENGTH = 2048;

/** `description`: characters, as the `webhook_endpoint.description` column holds. */
export const MAX_DESCRIPTION_LENGTH = 1000;

/** `reason` of `POST endpoints/:id/disable`: characters. */
export const MAX_DISABLE_REASON_LENGTH = 1000;

/** `eventTypes`: patterns per endpoint (a wildcard such as `order.*` covers a family). */
export const MAX_EVENT_TYPES = 100;

/** `headers`: custom headers per endpoint. */
export const MAX_HEADERS = 20;

/** `headers`: bytes of every name and value together (8 KiB, what common servers accept in a whole header block). */
export const MAX_HEADERS_BYTES = 8 * 1024;

/** A per-endpoint allowance of an admin action: `burst` at once, then one more every `refillMs`. */
export interface EndpointActionLimit {
  burst: number;
  refillMs: number;
}

/**
 * How often the admin API sends to one endpoint on request, per process (each action its own bucket): beyond it,
 * 429 with `Retry-After`. `test`: `POST endpoints/:id/test`; `retry`: `POST deliveries/:id/retry` (by the
 * delivery's endpoint); `recover`: `POST deliveries/recover` (by its `endpointId`, or the caller's whole scope);
 * `dryRun`: `POST endpoints/:id/dry-run` (sends nothing, but runs a transformation in the sandbox).
 */
export const ENDPOINT_ACTION_LIMITS = {
  test: { burst: 5, refillMs: 12_000 },
  retry: { burst: 30, refillMs: 2_000 },
  recover: { burst: 3, refillMs: 20_000 },
  dryRun: { burst: 20, refillMs: 3_000 },
} as const satisfies Record<string, EndpointActionLimit>;
