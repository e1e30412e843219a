import { join } from 'node:path';
import { loadConfiguration } from './configuration';
import { PRODUCTION_ENVIRONMENT } from './production-environment.fixture';

const PRODUCTION = PRODUCTION_ENVIRONMENT;

describe('loadConfiguration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfiguration({});

    expect(config.environment.name).toBe('development');
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3001,
      corsOrigin: 'http://localhost:5173',
      trustProxy: false,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.auth.bcryptRounds).toBe(12);
    expect(config.auth.accessTokenTtlSeconds).toBe(900);
    expect(config.auth.refreshTokenTtlDays).toBe(7);
    expect(config.auth.secureCookies).toBe(false);
    expect(config.vault.maxItemBytes).toBe(10 * 1024 * 1024);
    expect(config.rateLimits).toEqual({
      auth: 10,
      forgotPassword: 3,
      api: 300,
      batch: 10,
      loginPerAccount: 10,
      redisUrl: undefined,
      redisKeyPrefix: 'tools-sync:',
    });
    expect(config.database.uri).toBeUndefined();
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfiguration({ PORT: '8080', TRUST_PROXY: 'true', RATE_LIMIT_API: '0' });

    expect(config.http.port).toBe(8080);
    expect(config.http.trustProxy).toBe(true);
    expect(config.rateLimits.api).toBe(0);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfiguration({ MONGODB_URI: '', SMTP_HOST: '' });

    expect(config.database.uri).toBeUndefined();
    expect(config.mail.smtp).toBeUndefined();
  });

  it('uses the outbox in the working directory without SMTP', () => {
    expect(loadConfiguration({}).mail.outboxDir).toBe(join(process.cwd(), '.tmp', 'outbox'));
    expect(loadConfiguration({ MAIL_OUTBOX_DIR: '/var/tmp/mail' }).mail.outboxDir).toBe('/var/tmp/mail');
  });

  it('disables the outbox when SMTP is set', () => {
    const config = loadConfiguration({ SMTP_HOST: '127.0.0.1', MAIL_OUTBOX_DIR: '/var/tmp/mail' });
    expect(config.mail.outboxDir).toBeUndefined();
    expect(loadConfiguration(PRODUCTION).mail.outboxDir).toBeUndefined();
  });

  it('lists every invalid variable in one error', () => {
    const load = () => loadConfiguration({ PORT: 'eighty', MONGODB_URI: 'postgres://x', BCRYPT_ROUNDS: '40' });

    expect(load).toThrow(/PORT/);
    expect(load).toThrow(/MONGODB_URI must start with mongodb:\/\/ or mongodb\+srv:\/\//);
    expect(load).toThrow(/BCRYPT_ROUNDS/);
  });

  it('lists invalid and missing production variables together', () => {
    const load = () => loadConfiguration({ NODE_ENV: 'production', PORT: 'abc' });

    expect(load).toThrow(/PORT: PORT must be an integer number/);
    expect(load).not.toThrow(/PORT must not be/);
    expect(load).toThrow(/JWT_ACCESS_SECRET is required in production/);
    expect(load).toThrow(/CORS_ORIGIN is required in production/);
  });

  it('accepts a complete production environment', () => {
    const config = loadConfiguration(PRODUCTION);

    expect(config.environment.isProduction).toBe(true);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.auth.secureCookies).toBe(true);
    expect(config.auth.accessTokenSecret).toBe(PRODUCTION.JWT_ACCESS_SECRET);
  });

  it.each([
    ['JWT_ACCESS_SECRET', undefined, /JWT_ACCESS_SECRET is required in production/],
    ['JWT_ACCESS_SECRET', 'change-me-change-me-change-me-change-me', /looks like a placeholder/],
    ['JWT_ACCESS_SECRET', 'a'.repeat(40), /looks like a placeholder/],
    ['JWT_ACCESS_SECRET', 'too-short', /at least 32 characters/],
    ['MONGODB_URI', undefined, /MONGODB_URI is required in production/],
    ['SMTP_HOST', undefined, /SMTP_HOST is required in production/],
    ['CORS_ORIGIN', undefined, /CORS_ORIGIN is required in production/],
    ['FRONTEND_URL', undefined, /FRONTEND_URL is required in production/],
    ['BCRYPT_ROUNDS', '10', /BCRYPT_ROUNDS must be at least 12 in production/],
  ])('rejects production with %s = %s', (name, value, message) => {
    const environment: Record<string, unknown> = { ...PRODUCTION, [name]: value };

    expect(() => loadConfiguration(environment)).toThrow(message);
  });

  it('keeps benchmark diagnostics off unless enabled', () => {
    expect(loadConfiguration({}).diagnostics.enabled).toBe(false);
    expect(loadConfiguration({ BENCH_DIAGNOSTICS: 'true' }).diagnostics.enabled).toBe(true);
    expect(() => loadConfiguration({ BENCH_DIAGNOSTICS: 'sometimes' })).toThrow(/BENCH_DIAGNOSTICS/);
  });

  it('makes a random access-token secret outside production', () => {
    const secret = loadConfiguration({}).auth.accessTokenSecret;

    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfiguration({}).auth.accessTokenSecret).toBe(secret);
  });
});
