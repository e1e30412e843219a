import { ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SkipThrottle, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { Response } from 'express';
import { RateLimitConfig } from '../../config/configuration';
import { ApiException, ErrorCode } from '../errors/api-exception';

/** Rate-limit groups on top of the `api` limit that covers every route. */
export type RateLimitGroup = 'auth' | 'forgotPassword' | 'batch';

const RATE_LIMIT_GROUP_KEY = 'rateLimitGroup';

const MINUTE_MS = 60_000;

/** Adds a route to a rate-limit group; its requests also count against the `api` limit. */
export const RateLimit = (group: RateLimitGroup) => SetMetadata(RATE_LIMIT_GROUP_KEY, group);

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

  return [
    { name: 'api', limit: limits.api, ttl: 15 * MINUTE_MS, skipIf: () => limits.api === 0 },
    grouped('auth', limits.auth, 15 * MINUTE_MS),
    grouped('forgotPassword', limits.forgotPassword, 15 * MINUTE_MS),
    grouped('batch', limits.batch, MINUTE_MS),
  ];
}

/**
 * Throttler guard that counts per client IP and throttler, not per route,
 * and answers 429 with `Retry-After` and the standard error body.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
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
