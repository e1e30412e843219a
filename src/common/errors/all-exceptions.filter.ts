import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailableError } from '../../database/mongo-errors';
import { ApiException, ErrorBody, ErrorCode } from './api-exception';

/**
 * Shapes every error into the one JSON body the web client reads, and logs
 * the unexpected ones with their stack on the server only.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();

    const body = this.toBody(exception, request);
    if (body.code === ErrorCode.ServiceUnavailable) {
      // One line, since every request fails this way while the database is down.
      this.logger.warn(`${request.method} ${request.path} failed: ${String(exception)}`);
    } else if (body.statusCode >= 500) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${request.path} failed: ${stack}`);
    }

    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): ErrorBody {
    if (exception instanceof ApiException) return exception.toBody();

    if (exception instanceof HttpException) return this.fromHttpException(exception, request);

    if (isDatabaseUnavailableError(exception)) {
      return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.ServiceUnavailable,
        'The database is unreachable. Try again later.',
      ).toBody();
    }

    return new ApiException(
      HttpStatus.INTERNAL_SERVER_ERROR,
      ErrorCode.InternalError,
      'Internal server error. Try again later.',
    ).toBody();
  }

  /** Maps exceptions raised by Nest itself or its libraries, which carry no code of ours. */
  private fromHttpException(exception: HttpException, request: Request): ErrorBody {
    const status = exception.getStatus();
    if (status === HttpStatus.NOT_FOUND) {
      return new ApiException(
        status,
        ErrorCode.RouteNotFound,
        `Route ${request.method} ${request.path} not found`,
      ).toBody();
    }
    if (status === HttpStatus.UNAUTHORIZED) {
      return new ApiException(status, ErrorCode.Unauthorized, 'Authentication required').toBody();
    }
    if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
      return new ApiException(status, ErrorCode.PayloadTooLarge, 'Request body is larger than the server accepts').toBody();
    }
    if (status >= 500) {
      return new ApiException(status, ErrorCode.InternalError, 'Internal server error. Try again later.').toBody();
    }
    // Other 4xx from libraries: their reason phrase is safe to show.
    const code = status === HttpStatus.CONFLICT ? ErrorCode.Conflict : ErrorCode.BadRequest;
    return new ApiException(status, code, exception.message).toBody();
  }
}
