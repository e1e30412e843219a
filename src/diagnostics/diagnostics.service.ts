import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Configuration } from '../config/configuration';

/** Sampling interval of the event-loop delay histogram; Node's default. */
const EVENT_LOOP_RESOLUTION_MS = 10;

const NANOSECONDS_PER_MS = 1e6;

/** Measurements taken since the previous snapshot. */
export interface DiagnosticsSnapshot {
  windowMs: number;
  /** Event-loop delay percentiles in milliseconds; all 0 when no sample was taken. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number; samples: number };
  /** MongoDB commands sent by this process, each one a database round trip. */
  databaseCommands: { total: number; byName: Record<string, number> };
  /** HTTP requests still being handled, not counting the snapshot request; not reset by a snapshot. */
  httpRequestsInFlight: number;
}

/**
 * Measures what the benchmark cannot see from outside the process: the
 * event-loop delay and the number of MongoDB commands sent. Does nothing
 * unless BENCH_DIAGNOSTICS is true.
 */
@Injectable()
export class DiagnosticsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DiagnosticsService.name);
  readonly enabled: boolean;
  private histogram?: IntervalHistogram;
  private commandCounts = new Map<string, number>();
  private windowStart = performance.now();
  private httpRequestsInFlight = 0;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly adapterHost: HttpAdapterHost,
    config: ConfigService<Configuration, true>,
  ) {
    this.enabled = config.get('diagnostics', { infer: true }).enabled;
  }

  onModuleInit(): void {
    if (!this.enabled) return;

    this.histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    this.histogram.enable();
    // Needs monitorCommands, which DatabaseModule sets from the same setting.
    this.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
      this.commandCounts.set(event.commandName, (this.commandCounts.get(event.commandName) ?? 0) + 1);
    });
    this.logger.warn('BENCH_DIAGNOSTICS is on: POST /diagnostics/snapshot is served without authentication');
  }

  /**
   * Counts requests in flight, so that a client which abandoned requests
   * (a load tool stopping at its deadline) can wait until the server has
   * finished them before it reads CPU time and command counts.
   */
  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.httpRequestsInFlight += 1;
      response.once('close', () => {
        this.httpRequestsInFlight -= 1;
      });
    });
  }

  onModuleDestroy(): void {
    this.histogram?.disable();
  }

  /** Returns the measurements since the previous call and starts a new window. */
  takeSnapshot(): DiagnosticsSnapshot {
    const now = performance.now();
    const histogram = this.histogram;
    const samples = histogram?.count ?? 0;
    const toMs = (nanoseconds: number) => (samples === 0 ? 0 : nanoseconds / NANOSECONDS_PER_MS);
    const byName = Object.fromEntries(this.commandCounts);

    const snapshot: DiagnosticsSnapshot = {
      windowMs: now - this.windowStart,
      eventLoopDelayMs: {
        p50: toMs(histogram?.percentile(50) ?? 0),
        p99: toMs(histogram?.percentile(99) ?? 0),
        max: toMs(histogram?.max ?? 0),
        mean: toMs(histogram?.mean ?? 0),
        samples,
      },
      databaseCommands: { total: [...this.commandCounts.values()].reduce((sum, count) => sum + count, 0), byName },
      httpRequestsInFlight: Math.max(0, this.httpRequestsInFlight - 1),
    };

    histogram?.reset();
    this.commandCounts = new Map();
    this.windowStart = now;
    return snapshot;
  }
}
