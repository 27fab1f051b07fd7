import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';
import { jsonText } from '../json-text.transformer.js';

/**
 * An attempt's request as it was sent: its method, its URL (a GET's with the event in its query string) and its
 * headers, the secrets elided: `webhook-signature` values show only their scheme (`v1,…`), the endpoint's own
 * header values and any credential-like header (`authorization`, `x-api-key`, a cookie...) show `…`. The body
 * is not repeated: every attempt sends the delivery's body of record byte for byte.
 */
export interface WebhookAttemptRequest {
  /** `GET` sends the event in the URL's query string; `POST` in the body. */
  method: 'GET' | 'POST';
  /** The URL requested (cut at 4,096 characters, the cut marked with `…`). */
  url: string;
  /** Every header of the request, by name, with secret values elided as above. */
  headers: Record<string, string>;
}

/** One HTTP attempt of a delivery, kept as its log. */
@Entity({ name: 'webhook_attempt' })
@Index('IDX_webhook_attempt_delivery', ['deliveryId', 'attemptNumber'])
@Index('IDX_webhook_attempt_started', ['startedAt'])
export class WebhookAttemptEntity {
  /** The attempt's id. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** The delivery it is an attempt of. */
  @Column({ name: 'delivery_id', type: 'varchar', length: 64 })
  deliveryId!: string;

  /** 1 for the first attempt of the delivery, then counting up (manual retries included). */
  @Column({ name: 'attempt_number', type: 'int' })
  attemptNumber!: number;

  /** When the request started, in milliseconds since the epoch. */
  @Column({ name: 'started_at', type: 'bigint', transformer: epochMillis })
  startedAt!: number;

  /** How long the exchange took, in milliseconds. */
  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  /** `succeeded` for a 2xx answer; anything else is `failed`. */
  @Column({ type: 'varchar', length: 16 })
  outcome!: 'succeeded' | 'failed';

  /** The HTTP status; `null` when no response came (refused, reset, timeout). */
  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  /** The start of the response body (`delivery.responseExcerptBytes`). */
  @Column({ name: 'response_excerpt', type: 'text', nullable: true })
  responseExcerpt!: string | null;

  /** Why the attempt failed, in one line, when it did. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  /**
   * The request as it was sent (see `WebhookAttemptRequest`); `null` when nothing was sent because the destination
   * was refused or the endpoint's secret could not sign, and for attempts recorded before the migration `AddAttemptRequest1806000000000`.
   */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  request!: WebhookAttemptRequest | null;
}
