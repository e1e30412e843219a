import { ExecutionContext, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { IS_PUBLIC_KEY } from '../common/auth/public.decorator';
import { ApiException, ErrorCode } from '../common/errors/api-exception';

/**
 * Requires a valid Bearer access token on every route not marked @Public().
 * An expired token gets 401 TOKEN_EXPIRED, the code that makes the web
 * client refresh and retry. Every other failure gets 401 UNAUTHORIZED.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(JwtAuthGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(error: unknown, user: TUser, info: unknown, context: ExecutionContext): TUser {
    if (user && !error) return user;
    // passport-jwt reports token problems in `info`; an `error` comes from the
    // session check itself (a database failure), which must not sign the client out.
    if (error) throw error;

    // Compared by name: passport-jwt may load its own copy of jsonwebtoken, where instanceof fails.
    if (info instanceof Error && info.name === 'TokenExpiredError') {
      throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.TokenExpired, 'Access token expired');
    }
    const request = context.switchToHttp().getRequest<Request>();
    const reason = info instanceof Error ? info.message : 'no token';
    this.logger.warn(`Rejected access token on ${request.method} ${request.path}: ${reason}`);
    throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthorized, 'Missing or invalid access token');
  }
}
