import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * Answers the HTTP platform's own refusals of a request (a body above Express's or Fastify's limit, a body cut
 * short or with a broken chunked encoding, malformed JSON) with their 4xx status and no ERROR log. Those refusals
 * happen before any guard runs and reach Nest as plain `http-errors`-style objects with a `statusCode`: Nest
 * answers them with that status but logs them at ERROR (except NestJS 12 on Express, which maps them itself), so
 * anyone on the internet could fill an operator's error log. Everything else goes to Nest's own handling unchanged.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { rawBody: true });
 * app.useGlobalFilters(new PlatformClientErrorsFilter(app.getHttpAdapter()));
 */
@Catch()
export class PlatformClientErrorsFilter extends BaseExceptionFilter {
  /** Answers a platform's 4xx refusal with its status and no ERROR log; hands anything else to Nest's own handling. */
  override catch(error: unknown, host: ArgumentsHost): void {
    const { statusCode, expose, message } = (error ?? {}) as {
      statusCode?: unknown;
      expose?: boolean;
      message?: unknown;
    };
    if (!(error instanceof HttpException) && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const text = expose !== false && typeof message === 'string' && message !== '' ? message : 'Bad request';
      super.catch(new HttpException(text, statusCode, { cause: error }), host);
      return;
    }
    super.catch(error, host);
  }
}
