import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * The filter the README gives NestJS 11 + Express applications: body-parser's refusals (413 above the parser's
 * limit, 400 for a broken body) reach Nest as plain `http-errors` objects, which NestJS 11 answers with their status
 * but logs at ERROR; NestJS 12 maps them to `HttpException` itself. Here they become `HttpException`s too.
 */
@Catch()
export class ClientErrorsFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    const { statusCode, expose, message } = (error ?? {}) as { statusCode?: unknown; expose?: boolean; message?: string };
    if (!(error instanceof HttpException) && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return super.catch(new HttpException(expose === false ? 'Bad request' : (message ?? 'Bad request'), statusCode), host);
    }
    return super.catch(error, host);
  }
}
