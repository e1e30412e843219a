import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Cluster, Redis } from 'ioredis';
import { RateLimitConfig } from '../../config/configuration';
import { ApiException, ErrorCode } from '../errors/api-exception';

const logger = new Logger('RateLimitStorage');

/**
 * Redis-backed counters that reject a request with 503 SERVICE_UNAVAILABLE
 * while Redis is unreachable, instead of the 500 the raw Redis error would give.
 */
class RedisThrottlerStorage extends ThrottlerStorageRedisService {
  override async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ReturnType<ThrottlerStorage['increment']> {
    try {
      return await super.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      logger.warn(`Updating the ${throttlerName} rate-limit counter in Redis failed: ${(error as Error).message}`);
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.ServiceUnavailable,
        'The rate-limit store is unreachable. Try again later.',
      );
    }
  }
}

/**
 * Returns Redis-backed counters when REDIS_URL is set, so every instance
 * of the API shares one budget per client. Returns undefined otherwise,
 * which keeps @nestjs/throttler's in-memory counters of this process.
 */
export function createThrottlerStorage(limits: RateLimitConfig): ThrottlerStorage | undefined {
  if (!limits.redisUrl) return undefined;

  // Passing the URL, not a client, makes the storage close its connection on shutdown.
  const storage = new RedisThrottlerStorage(limits.redisUrl, {
    keyPrefix: limits.redisKeyPrefix,
    // While Redis is unreachable, rate-limited requests fail with 503 after these retries
    // instead of passing unthrottled.
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
  });
  storage.redis.on('error', (error: Error) => logger.warn(`Redis error: ${error.message}`));
  logger.log(`Rate-limit counters in Redis at ${redactCredentials(limits.redisUrl)}`);
  return storage;
}

/** Returns the Redis connection of the rate-limit storage, or undefined when counters live in memory. */
export function redisClientOf(storage: ThrottlerStorage): Redis | Cluster | undefined {
  return storage instanceof ThrottlerStorageRedisService ? storage.redis : undefined;
}

function redactCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
