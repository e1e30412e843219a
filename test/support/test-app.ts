import { NestExpressApplication } from '@nestjs/platform-express';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { Connection } from 'mongoose';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';

export interface TestApp {
  app: NestExpressApplication;
  /** supertest bound to the app's loopback address. */
  http: TestAgent;
  baseUrl: string;
  connection: Connection;
  close(): Promise<void>;
}

/**
 * Settings every e2e app starts from: a database of its own, fast bcrypt
 * and no rate limits. A test that checks one of these passes an override.
 */
const TEST_DEFAULTS: Record<string, string> = {
  NODE_ENV: 'test',
  BCRYPT_ROUNDS: '4',
  RATE_LIMIT_AUTH: '0',
  RATE_LIMIT_FORGOT_PASSWORD: '0',
  RATE_LIMIT_API: '0',
  RATE_LIMIT_BATCH: '0',
  CORS_ORIGIN: 'http://localhost:5173',
  // In-memory rate-limit counters, even when CI exports REDIS_URL for the Redis test.
  REDIS_URL: '',
};

/** Returns a database name unique to this test file and run. */
export function uniqueDatabaseName(): string {
  const testFile = basename(expect.getState().testPath ?? 'unknown').replace(/\W+/g, '_');
  return `t_${testFile}_${randomBytes(4).toString('hex')}`.slice(0, 60);
}

/**
 * Boots the whole Nest application on 127.0.0.1 with an ephemeral port,
 * against MONGODB_URI and a database of its own, dropped by close().
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  logDestination?: DestinationStream,
): Promise<TestApp> {
  const settings = { ...TEST_DEFAULTS, MONGODB_DB_NAME: uniqueDatabaseName(), ...overrides };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(settings, logDestination)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error', 'warn'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');

  const baseUrl = await app.getUrl();
  const connection = app.get<Connection>(getConnectionToken());
  return {
    app,
    http: request(baseUrl.replace('[::1]', '127.0.0.1')),
    baseUrl,
    connection,
    close: async () => {
      await connection.dropDatabase();
      await app.close();
    },
  };
}
