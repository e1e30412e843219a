import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { REFRESH_COOKIE_NAME } from './auth/refresh-cookie';
import { mapBodyParserErrors } from './common/http/body-parser-errors';
import { createValidationPipe } from './common/validation/validation.pipe';
import { Configuration } from './config/configuration';
import { SERVICE_VERSION } from './service-info';

/** Base64 makes a payload 4/3 larger; the rest of a PUT body is small. */
const BODY_OVERHEAD_BYTES = 64 * 1024;

/**
 * Applies the HTTP settings that main.ts and the e2e tests share: body
 * limits, security headers, CORS, cookies, validation and the API docs.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<Configuration, true>>(ConfigService);
  const http = config.get('http', { infer: true });
  const { maxItemBytes } = config.get('vault', { infer: true });

  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  app.useBodyParser('json', { limit: Math.ceil((maxItemBytes * 4) / 3) + BODY_OVERHEAD_BYTES });
  app.use(mapBodyParserErrors);
  app.use(helmet());
  app.use(cookieParser());
  // ETag is exposed so that a browser client can read it and send it back in If-Match.
  app.enableCors({ origin: http.corsOrigin, credentials: true, exposedHeaders: ['ETag'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  setUpApiDocs(app);
}

/** Serves Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setUpApiDocs(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tools Sync API')
      .setDescription(
        'Zero-knowledge sync for end-to-end encrypted tool documents. Every error body has ' +
          '`statusCode`, `error`, `message` and `code`; validation errors answer 422 and list `fields`.',
      )
      .setVersion(SERVICE_VERSION)
      .addBearerAuth()
      .addCookieAuth(REFRESH_COOKIE_NAME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
