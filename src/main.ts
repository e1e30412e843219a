import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { Configuration } from './config/configuration';
import { enableGracefulShutdown } from './lifecycle/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), {
    bodyParser: false,
    // Held until configureApp() installs the pino logger, so start-up lines are JSON too.
    bufferLogs: true,
  });
  configureApp(app);

  const config = app.get<ConfigService<Configuration, true>>(ConfigService);
  const { host, port, shutdownTimeoutMs } = config.get('http', { infer: true });
  await app.listen(port, host);
  enableGracefulShutdown(app, shutdownTimeoutMs);
  Logger.log(`Listening on http://${host}:${port}; API docs at /docs`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  Logger.error(`Start-up failed: ${message}`, undefined, 'Bootstrap');
  process.exit(1);
});
