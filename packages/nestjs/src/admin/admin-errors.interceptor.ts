import {
  BadRequestException,
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  type NestInterceptor,
  NotFoundException,
} from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { WebhookEndpointDisabledError } from '../errors/webhook-endpoint-disabled.error.js';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { WebhookSealingKeyMissingError } from '../errors/webhook-sealing-key-missing.error.js';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import { EndpointActionLimitedError } from './endpoint-action.limiter.js';

/**
 * Answers the services' errors as HTTP: a validation error is a 400 listing every field at fault, an unknown
 * endpoint a 404, a test event to a disabled endpoint a 409 saying why, a value sealed with a key that is not configured a 409 naming the key and the fix, an action
 * over its per-endpoint allowance a 429 with `Retry-After`. Done as an interceptor, so Nest's own exception layer
 * writes the response on any platform.
 */
@Injectable()
export class AdminErrorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toHttp(error, context))));
  }
}

function toHttp(error: unknown, context: ExecutionContext): unknown {
  if (error instanceof WebhookValidationError) {
    return new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Invalid input.',
      errors: error.errors,
    });
  }
  if (error instanceof WebhookEndpointNotFoundError) return new NotFoundException(error.message);
  if (error instanceof WebhookEndpointDisabledError)
    return new ConflictException({ statusCode: 409, error: 'Conflict', message: error.message });
  if (error instanceof WebhookSealingKeyMissingError)
    return new ConflictException({ statusCode: 409, error: 'Conflict', message: error.message, keyId: error.keyId });
  if (error instanceof EndpointActionLimitedError) {
    setHeader(context.switchToHttp().getResponse<unknown>(), 'retry-after', String(error.retryAfterSeconds));
    return new HttpException(
      { statusCode: 429, error: 'Too Many Requests', message: error.message, retryAfter: error.retryAfterSeconds },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
  return error;
}

/** Express (`setHeader`) or Fastify (`header`). */
function setHeader(response: unknown, name: string, value: string): void {
  const target = response as { setHeader?: (n: string, v: string) => void; header?: (n: string, v: string) => void };
  if (typeof target.setHeader === 'function') target.setHeader(name, value);
  else target.header?.(name, value);
}
