import { HttpException, HttpStatus } from '@nestjs/common';

/** Stable machine-readable error codes sent in the `code` field of every error body. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  BadRequest = 'BAD_REQUEST',
  MalformedJson = 'MALFORMED_JSON',
  UnknownStore = 'UNKNOWN_STORE',
  EmailTaken = 'EMAIL_TAKEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidCurrentPassword = 'INVALID_CURRENT_PASSWORD',
  Unauthorized = 'UNAUTHORIZED',
  TokenExpired = 'TOKEN_EXPIRED',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  InvalidResetToken = 'INVALID_RESET_TOKEN',
  SessionNotFound = 'SESSION_NOT_FOUND',
  ForbiddenKey = 'FORBIDDEN_KEY',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  ItemNotFound = 'ITEM_NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  Conflict = 'CONFLICT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  PreconditionFailed = 'PRECONDITION_FAILED',
  CursorExpired = 'CURSOR_EXPIRED',
  QuotaExceeded = 'QUOTA_EXCEEDED',
  RateLimited = 'RATE_LIMITED',
  InternalError = 'INTERNAL_ERROR',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
}

/** One invalid field of a request, as listed in a 422 body. */
export interface FieldError {
  field: string;
  errors: string[];
}

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  /** Human-readable sentence; the web client shows this one. */
  error: string;
  /** The same sentence, kept for older scripts. */
  message: string;
  code: string;
  fields?: FieldError[];
  [extra: string]: unknown;
}

/**
 * An HTTP error with a safe sentence for the client and a stable code.
 * `details` become extra fields of the body, such as `remoteUpdatedAt`.
 */
export class ApiException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message, status);
  }

  toBody(): ErrorBody {
    return {
      ...this.details,
      statusCode: this.getStatus(),
      error: this.message,
      message: this.message,
      code: this.code,
    };
  }
}
