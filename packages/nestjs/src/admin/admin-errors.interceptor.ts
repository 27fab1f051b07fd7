import {
  BadRequestException,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  NotFoundException,
} from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';

/**
 * Answers the services' errors as HTTP: a validation error is a 400 listing every field at fault, an unknown
 * endpoint a 404. Done as an interceptor, so Nest's own exception layer writes the response on any platform.
 */
@Injectable()
export class AdminErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toHttp(error))));
  }
}

function toHttp(error: unknown): unknown {
  if (error instanceof WebhookValidationError) {
    return new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Invalid input.',
      errors: error.errors,
    });
  }
  if (error instanceof WebhookEndpointNotFoundError) return new NotFoundException(error.message);
  return error;
}
