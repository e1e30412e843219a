import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiException, ErrorCode } from '../errors/api-exception';

/** The `type` field that body-parser sets on the errors it raises. */
interface BodyParserError {
  type?: unknown;
}

/**
 * Express error middleware placed right after the JSON body parser. It
 * turns the parser's errors into ApiExceptions, so that the exception
 * filter returns the standard body. Without it, Nest returns the parser's
 * raw message and no code for malformed JSON.
 */
export function mapBodyParserErrors(error: unknown, _request: Request, _response: Response, next: NextFunction): void {
  next(toApiException(error) ?? error);
}

function toApiException(error: unknown): ApiException | undefined {
  const { type } = (error ?? {}) as BodyParserError;
  switch (type) {
    case 'entity.parse.failed':
      return new ApiException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.MalformedJson,
        'Request body is not valid JSON',
      );
    case 'entity.too.large':
      return new ApiException(
        HttpStatus.PAYLOAD_TOO_LARGE,
        ErrorCode.PayloadTooLarge,
        'Request body is larger than the server accepts',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ErrorCode.BadRequest,
        'Unsupported request body encoding: send UTF-8 JSON',
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiException(HttpStatus.BAD_REQUEST, ErrorCode.BadRequest, 'Request body was incomplete');
    default:
      return undefined;
  }
}
