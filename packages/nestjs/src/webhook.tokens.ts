/** Injection token of the resolved options (defaults applied). */
export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');
/** Injection token of the TypeORM DataSource the module captures and stores on. */
export const WEBHOOK_DATA_SOURCE = Symbol('WEBHOOK_DATA_SOURCE');
/** Injection token of the transport that sends requests. */
export const WEBHOOK_TRANSPORT = Symbol('WEBHOOK_TRANSPORT');
/** Injection token of the outbox store for the DataSource's dialect. */
export const OUTBOX_STORE = Symbol('OUTBOX_STORE');
/** Injection token of the `WebhookClock` the relay schedules by (default: the wall clock). */
export const WEBHOOK_CLOCK = Symbol('WEBHOOK_CLOCK');
/** Injection token of the DataSources whose entities are captured (`CapturedDataSources`): the module's own, then `captureDataSources`. */
export const WEBHOOK_CAPTURED_DATA_SOURCES = Symbol('WEBHOOK_CAPTURED_DATA_SOURCES');
