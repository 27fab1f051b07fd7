import type * as OpenTelemetryModule from '@opentelemetry/api';

/** The `@opentelemetry/api` module, when the application has it. */
export type OpenTelemetryApi = typeof OpenTelemetryModule;

let api: OpenTelemetryApi | undefined;
let loading: Promise<OpenTelemetryApi | undefined> | undefined;

/**
 * Loads `@opentelemetry/api`, an optional peer dependency, once (the module does it at start-up). Without it,
 * `openTelemetry()` stays `undefined` and no telemetry code runs at all. With it but without an SDK, its no-op
 * implementations answer.
 */
export function loadOpenTelemetry(): Promise<OpenTelemetryApi | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (loaded) => {
      // The CommonJS build gets the module object through interop: its named exports may sit on `default`.
      const module = loaded as OpenTelemetryApi & { default?: OpenTelemetryApi };
      api = module.trace ? module : module.default;
      return api;
    },
    () => undefined,
  );
  return loading;
}

/** `@opentelemetry/api`, once loaded; `undefined` when the application does not have it. */
export function openTelemetry(): OpenTelemetryApi | undefined {
  return api;
}

/** The instrumentation scope of the package's spans and metrics. */
export const INSTRUMENTATION_SCOPE = '@webhook-outbox/nestjs';
