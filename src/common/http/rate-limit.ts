import { ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SkipThrottle, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { RateLimitConfig } from '../../config/configuration';
import { ApiException, ErrorCode } from '../errors/api-exception';

/** Rate-limit groups on top of the `api` limit that covers every route. */
export type RateLimitGroup = 'auth' | 'forgotPassword' | 'batch';

const RATE_LIMIT_GROUP_KEY = 'rateLimitGroup';

const MINUTE_MS = 60_000;

/** Adds a route to a rate-limit group; its requests also count against the `api` limit. */
export const RateLimit = (group: RateLimitGroup) => SetMetadata(RATE_LIMIT_GROUP_KEY, group);

const PER_ACCOUNT_KEY = 'rateLimitPerAccount';

/**
 * Also counts a route's requests per email address in the body, whatever
 * the client IP, so that a password guesser spread over many addresses
 * still hits a limit.
 */
export const RateLimitPerAccount = () => SetMetadata(PER_ACCOUNT_KEY, true);

/** Returns the body's email normalised like the account lookup (trimmed, lower case), or undefined. */
function emailOf(request: Request): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const email = body?.email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}

/**
 * Exempts a route or controller from every rate limit, for callers such as
 * load-balancer probes that poll often from one address.
 */
export const SkipRateLimits = () =>
  SkipThrottle({ api: true, auth: true, forgotPassword: true, batch: true } satisfies Record<'api' | RateLimitGroup, true>);

/**
 * Builds the named throttlers: `api` counts every request, the others only
 * requests to routes marked with {@link RateLimit}. Each counts per client IP
 * across all routes of its group, and a limit of 0 turns that throttler off.
 */
export function buildThrottlers(limits: RateLimitConfig, reflector: Reflector): ThrottlerOptions[] {
  const inGroup = (context: ExecutionContext, group: RateLimitGroup) =>
    reflector.getAllAndOverride<RateLimitGroup | undefined>(RATE_LIMIT_GROUP_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) === group;

  const grouped = (group: RateLimitGroup, limit: number, ttl: number): ThrottlerOptions => ({
    name: group,
    limit,
    ttl,
    skipIf: (context) => limit === 0 || !inGroup(context, group),
  });

  const perAccount: ThrottlerOptions = {
    name: 'loginPerAccount',
    limit: limits.loginPerAccount,
    ttl: 15 * MINUTE_MS,
    skipIf: (context) =>
      limits.loginPerAccount === 0 ||
      !reflector.getAllAndOverride<boolean | undefined>(PER_ACCOUNT_KEY, [context.getHandler(), context.getClass()]) ||
      emailOf(context.switchToHttp().getRequest<Request>()) === undefined,
    getTracker: (request) => `account:${emailOf(request as Request)}`,
  };

  return [
    { name: 'api', limit: limits.api, ttl: 15 * MINUTE_MS, skipIf: () => limits.api === 0 },
    grouped('auth', limits.auth, 15 * MINUTE_MS),
    grouped('forgotPassword', limits.forgotPassword, 15 * MINUTE_MS),
    grouped('batch', limits.batch, MINUTE_MS),
    perAccount,
  ];
}

/**
 * Throttler guard that counts per client IP (or account) and throttler,
 * not per route, and rejects with 429, `Retry-After` and the standard
 * error body. The tracker is hashed so that Redis keys hold no email or IP.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    const trackerHash = createHash('sha256').update(tracker).digest('base64url').slice(0, 32);
    return `${throttlerName}:${trackerHash}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfterSeconds));
    throw new ApiException(
      HttpStatus.TOO_MANY_REQUESTS,
      ErrorCode.RateLimited,
      `Too many requests. Try again in ${retryAfterSeconds} seconds.`,
      { retryAfter: retryAfterSeconds },
    );
  }
}
