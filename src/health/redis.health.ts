import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Cluster, Redis } from 'ioredis';

/** Readiness check of a Redis connection that already exists, so a probe opens no connection of its own. */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  /** Sends PING and reports the key as down when Redis fails or takes longer than `timeoutMs`. */
  async pingCheck<Key extends string>(key: Key, redis: Redis | Cluster, timeoutMs: number): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`PING timed out after ${timeoutMs} ms`)), timeoutMs);
    });

    try {
      await Promise.race([redis.ping(), timeout]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
