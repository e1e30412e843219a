import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Configuration } from '../config/configuration';

export type VaultOperation = 'put' | 'delete' | 'batch_push' | 'batch_pull';

/** Outcome of one item of a vault operation; a batch records one outcome per item. */
export type VaultOperationResult =
  | 'stored'
  | 'deleted'
  | 'found'
  | 'conflict'
  | 'precondition_failed'
  | 'quota_exceeded'
  | 'not_found'
  | 'invalid';

/**
 * The application's Prometheus metrics. Each application instance has a
 * registry of its own instead of prom-client's global one, so that tests
 * can run several instances in one process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly httpRequestsInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received whose response has not finished yet',
    registers: [this.registry],
  });

  readonly rateLimitRejections = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests rejected with 429 by a rate limit, by route pattern',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  private readonly vaultOperations = new Counter({
    name: 'vault_sync_operations_total',
    help: 'Vault items written, deleted or read by sync calls, by operation and per-item result',
    labelNames: ['operation', 'result'] as const,
    registers: [this.registry],
  });

  constructor(config: ConfigService<Configuration, true>) {
    // Process metrics start timers and event-loop monitors, so they run only when someone can read them.
    if (config.get('metrics', { infer: true }).port !== undefined) {
      collectDefaultMetrics({ register: this.registry });
    }
  }

  recordVaultOperation(operation: VaultOperation, result: VaultOperationResult, items = 1): void {
    if (items > 0) this.vaultOperations.inc({ operation, result }, items);
  }
}
