/**
 * What `WebhookDeliveries.timeline()` and `WebhookDeliveries.failingEndpoints()` return: public shapes, defined here
 * rather than beside the SQL that reads them, so a change to a statement cannot change the API unseen.
 */

/** Attempts in one time bucket, by outcome. */
export interface WebhookAttemptBucket {
  /** The bucket's start, epoch ms. */
  at: number;
  /** Attempts that succeeded. */
  succeeded: number;
  /** Failed attempts after which the delivery was (or will be) tried again. */
  retrying: number;
  /** Failed attempts that were their delivery's last: it failed for good. */
  failed: number;
}

/** One endpoint's attempts in a window. */
export interface WebhookEndpointFailureCount {
  /** The endpoint's id. */
  endpointId: string;
  /** Attempts that failed. */
  failed: number;
  /** Attempts in all. */
  attempts: number;
}
