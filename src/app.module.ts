import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppController } from './app.controller';
import { AuthModule } from './auth/auth.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { buildThrottlers, RateLimitGuard } from './common/http/rate-limit';
import { createThrottlerStorage } from './common/http/rate-limit-storage';
import { Configuration, loadConfiguration } from './config/configuration';
import { LoggingModule } from './common/logging/logging.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { DiagnosticsModule } from './diagnostics/diagnostics.module';
import { VaultModule } from './vault/vault.module';

@Module({})
export class AppModule {
  /**
   * Builds the application module. `overrides` replace environment
   * variables, which lets tests run several differently configured apps in
   * one process without touching `process.env`. `logDestination` replaces
   * standard output for logs, so tests can read them.
   */
  static forRoot(overrides: Record<string, string> = {}, logDestination?: DestinationStream): DynamicModule {
    const isTest = (overrides.NODE_ENV ?? process.env.NODE_ENV) === 'test';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          // Tests must not pick up a developer's .env file.
          ignoreEnvFile: isTest,
          validate: (environment) => loadConfiguration({ ...environment, ...overrides }),
        }),
        ThrottlerModule.forRootAsync({
          inject: [ConfigService, Reflector],
          useFactory: (config: ConfigService<Configuration, true>, reflector: Reflector) => ({
            throttlers: buildThrottlers(config.get('rateLimits', { infer: true }), reflector),
            storage: createThrottlerStorage(config.get('rateLimits', { infer: true })),
          }),
        }),
        LoggingModule.forRoot(logDestination),
        DatabaseModule,
        AuthModule,
        VaultModule,
        HealthModule,
        MetricsModule,
        DiagnosticsModule,
      ],
      controllers: [AppController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        // Guards run in this order: rate limits first, so that refused logins are counted too.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
      ],
    };
  }
}
