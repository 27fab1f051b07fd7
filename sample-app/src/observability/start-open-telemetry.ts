import { startOpenTelemetry } from './open-telemetry.setup.js';

/** Imported first by main.ts, for its side effect: telemetry starts before anything else is loaded. */
export const openTelemetrySdk = startOpenTelemetry();
