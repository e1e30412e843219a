import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { HttpLogger } from 'pino-http';
import { Configuration } from '../../config/configuration';
import { createHttpLogger } from './http-logger';

/** Injection token of the pino-http middleware that configureApp() mounts before any other. */
export const HTTP_LOGGER = 'HTTP_LOGGER';

/**
 * Makes nestjs-pino the application logger. The pino-http middleware is
 * created here but mounted by configureApp() as the first middleware, so
 * requests rejected by the body parser are logged and get a request id too.
 */
@Module({})
export class LoggingModule {
  static forRoot(destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          providers: [
            {
              provide: HTTP_LOGGER,
              inject: [ConfigService],
              useFactory: (config: ConfigService<Configuration, true>) =>
                createHttpLogger(config.get('logging', { infer: true }), destination),
            },
          ],
          inject: [HTTP_LOGGER],
          useFactory: (httpLogger: HttpLogger) => ({ pinoHttp: { logger: httpLogger.logger }, useExisting: true }),
        }),
      ],
    };
  }
}
