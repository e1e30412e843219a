import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { REFRESH_COOKIE_NAME } from './auth/refresh-cookie';
import { rejectForbiddenKeys, requireJsonBody } from './common/http/body-guards';
import { mapBodyParserErrors } from './common/http/body-parser-errors';
import { API_DOCS_PATH, securityHeaders } from './common/http/security-headers';
import { REQUEST_ID_HEADER } from './common/logging/http-logger';
import { HTTP_LOGGER } from './common/logging/logging.module';
import { createValidationPipe } from './common/validation/validation.pipe';
import { Configuration } from './config/configuration';
import { createHttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
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

  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // One hop: the client IP is the address that the proxy appended last to X-Forwarded-For, which
  // a client cannot forge. `true` would take the left-most entry, which the client controls.
  app.set('trust proxy', http.trustProxy ? 1 : false);
  // First, so that request metrics include body parsing and every rejection.
  app.use(createHttpMetricsMiddleware(app.get(MetricsService)));
  // Logging, headers and CORS come before the body parser, so its error responses get them too.
  app.use(app.get(HTTP_LOGGER));
  app.use(securityHeaders());
  app.enableCors({
    origin: http.corsOrigin,
    credentials: true,
    // ETag is exposed so that a browser client can send it back in If-Match.
    exposedHeaders: ['Retry-After', REQUEST_ID_HEADER, 'ETag'],
  });
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: Math.ceil((maxItemBytes * 4) / 3) + BODY_OVERHEAD_BYTES });
  app.use(mapBodyParserErrors);
  app.use(rejectForbiddenKeys);
  app.use(cookieParser());
  app.useGlobalPipes(createValidationPipe());

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
  SwaggerModule.setup(API_DOCS_PATH.slice(1), app, document, { jsonDocumentUrl: `${API_DOCS_PATH.slice(1)}-json` });
}
