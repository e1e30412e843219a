import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The caller of an authenticated request, taken from the access token. */
export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
}

/** Injects the {@link AuthenticatedUser} that the JWT guard attached to the request. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const request = context.switchToHttp().getRequest<Request>();
  return request.user as AuthenticatedUser;
});
