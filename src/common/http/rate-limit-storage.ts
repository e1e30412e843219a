import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { RateLimitConfig } from '../../config/configuration';

const logger = new Logger('RateLimitStorage');

/**
 * Returns Redis-backed counters when REDIS_URL is set, so every instance
 * of the API shares one budget per client. Returns undefined otherwise,
 * which keeps @nestjs/throttler's in-memory counters of this process.
 */
export function createThrottlerStorage(limits: RateLimitConfig): ThrottlerStorage | undefined {
  if (!limits.redisUrl) return undefined;

  // Passing the URL, not a client, makes the storage close its connection on shutdown.
  const storage = new ThrottlerStorageRedisService(limits.redisUrl, {
    keyPrefix: limits.redisKeyPrefix,
    // NOTE: while Redis is unreachable, rate-limited requests fail with 500 after these retries
    // instead of passing unthrottled.
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
  });
  storage.redis.on('error', (error: Error) => logger.warn(`Redis error: ${error.message}`));
  logger.log(`Rate-limit counters in Redis at ${redactCredentials(limits.redisUrl)}`);
  return storage;
}

function redactCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
