import { WebhookVerificationError } from './webhook-verification.error.js';

/** Default tolerance for a signed timestamp, in seconds (5 minutes, as Standard Webhooks, Stripe and Slack advise). */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

const UNIX_SECONDS = /^\d{1,15}$/;

/** Parses a signed Unix-seconds timestamp, or refuses the header it came from as malformed. */
export function parseUnixSeconds(text: string, header: string): number {
  if (!UNIX_SECONDS.test(text)) {
    throw new WebhookVerificationError('malformed-header', `Header ${header} is not a number of Unix seconds.`);
  }
  return Number(text);
}

/** Refuses a signed timestamp more than `toleranceSeconds` away from `now` (ms), in either direction. */
export function assertWithinTolerance(timestamp: number, toleranceSeconds: number, now: number, header: string): void {
  const nowSeconds = Math.floor(now / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp-out-of-tolerance',
      `Header ${header} is ${nowSeconds - timestamp} s from now; at most ${toleranceSeconds} s is accepted.`,
    );
  }
}
