import { Controller, Get, HttpStatus, Inject, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  MongooseHealthIndicator,
} from '@nestjs/terminus';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Connection } from 'mongoose';
import { Public } from '../common/auth/public.decorator';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { SkipRateLimits } from '../common/http/rate-limit';
import { redisClientOf } from '../common/http/rate-limit-storage';
import { ApiErrors } from '../common/swagger/api-error-response';
import { RedisHealthIndicator } from './redis.health';

/** A ping slower than this counts as a failure, so a probe gets its response quickly. */
const PING_TIMEOUT_MS = 1_500;

class HealthStatusDto {
  @ApiProperty({ example: 'ok' })
  status: string;

  @ApiProperty({ description: 'State of each checked dependency', example: { mongodb: { status: 'up' } } })
  info: Record<string, { status: string }>;
}

/**
 * Probes for load balancers and orchestrators. Liveness checks only that
 * the process serves HTTP, because restarting it does not fix a down
 * dependency. Readiness checks the dependencies a request needs.
 */
@ApiTags('health')
@Public()
@SkipRateLimits()
@Controller('health')
export class HealthController {
  /** Checks of every dependency a request needs: MongoDB, and Redis when REDIS_URL is set. */
  private readonly readinessChecks: HealthIndicatorFunction[];

  constructor(
    private readonly health: HealthCheckService,
    mongoose: MongooseHealthIndicator,
    @InjectConnection() connection: Connection,
    redisIndicator: RedisHealthIndicator,
    @Inject(ThrottlerStorage) rateLimitStorage: ThrottlerStorage,
  ) {
    this.readinessChecks = [() => mongoose.pingCheck('mongodb', { connection, timeout: PING_TIMEOUT_MS })];

    // Rate-limited requests fail while their counters' Redis is down, so it counts as a dependency.
    const redis = redisClientOf(rateLimitStorage);
    if (redis) this.readinessChecks.push(() => redisIndicator.pingCheck('redis', redis, PING_TIMEOUT_MS));
  }

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: 200 while the process serves HTTP' })
  @ApiOkResponse({ type: HealthStatusDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: 200 when MongoDB (and Redis, if configured) answer a ping, 503 while one does not' })
  @ApiOkResponse({ type: HealthStatusDto })
  @ApiErrors([HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE, with `details` naming each failed dependency'])
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.readinessChecks);
    } catch (error) {
      throw toNotReady(error);
    }
  }
}

/** Turns Terminus' 503 into the standard error body, keeping the state of each dependency. */
function toNotReady(error: unknown): unknown {
  if (!(error instanceof ServiceUnavailableException)) return error;

  const result = error.getResponse() as Partial<HealthCheckResult>;
  const failed = Object.keys(result.error ?? {});
  const names = failed.length > 0 ? failed.join(', ') : 'a dependency';
  return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.ServiceUnavailable, `Not ready: ${names} unavailable`, {
    details: result.details ?? {},
  });
}
