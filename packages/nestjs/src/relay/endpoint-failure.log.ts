import { Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { AttemptResult } from './endpoint-health.js';
import { EndpointFailureNotices } from './endpoint-failure.notices.js';

/** Why an attempt failed, for a person: `401 Unauthorized`, `timed out after 15000 ms`, the destination policy's refusal. */
export function attemptFailureReason(result: Pick<AttemptResult, 'statusCode' | 'error' | 'errorType'>): string {
  if (result.statusCode !== null) return `${result.statusCode} ${STATUS_CODES[result.statusCode] ?? ''}`.trim();
  // The log line goes on after the reason: a message's own full stop would end it twice.
  const error = (result.error ?? 'failed').replace(/\.$/, '');
  // The policy's messages name the option that allows the address or scheme where one does.
  return result.errorType === 'destination_refused' ? `refused by the destination policy: ${error}` : error;
}

/**
 * An endpoint's URL as logs show it: scheme, host and path. The query string may carry a receiver's token, so it is
 * left out.
 */
export function loggedEndpointUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

/** The attempt a log line is about. */
export interface AttemptIds {
  deliveryId: string;
  webhookId: string;
}

/**
 * Tells the operator when an endpoint starts failing (a warning, with the status or reason) and when it answers again,
 * at most one line per endpoint every few minutes (`EndpointFailureNotices`). Names the endpoint's id and URL, never
 * its secrets or header values. A failing endpoint is otherwise silent on the sending side while it is retried.
 */
export class EndpointFailureLog {
  private readonly logger = new Logger(EndpointFailureLog.name);
  private readonly notices = new EndpointFailureNotices();

  /** Notes an attempt's answer; `now` is the webhook clock's; `delivery` names the attempt a warning is about. */
  note(
    endpoint: Pick<ResolvedWebhookEndpoint, 'id' | 'url'>,
    result: AttemptResult,
    now: number,
    delivery?: AttemptIds,
  ): void {
    // A request this worker abandoned (its claim could not be kept) says nothing about the endpoint.
    if (result.errorType === 'abandoned') return;
    const failure = result.outcome === 'succeeded' ? null : attemptFailureReason(result);
    const notice = this.notices.observe(endpoint.id, failure, now);
    if (!notice) return;
    const url = loggedEndpointUrl(endpoint.url);
    if (notice.kind === 'failing') {
      // The delivery and webhook ids lead to the attempt's log (GET <admin>/deliveries/:id) and the receiver's log.
      const attempt = delivery ? ` (delivery ${delivery.deliveryId}, webhook-id ${delivery.webhookId})` : '';
      this.logger.warn(
        `Endpoint "${endpoint.id}" (${url}) is failing: ${notice.reason}${attempt}. Its deliveries are retried; ` +
          'a line follows when it answers again.',
        { endpointId: endpoint.id, url, statusCode: result.statusCode, reason: notice.reason, ...delivery },
      );
      return;
    }
    const attempts = notice.failedAttempts === 1 ? '1 failed attempt' : `${notice.failedAttempts} failed attempts`;
    this.logger.log(
      `Endpoint "${endpoint.id}" (${url}) answers again, after ${attempts} (last: ${notice.lastReason}).`,
      { endpointId: endpoint.id, url, failedAttempts: notice.failedAttempts },
    );
  }
}
