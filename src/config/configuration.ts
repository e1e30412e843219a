import { randomBytes } from 'node:crypto';
import { EnvironmentVariables, NodeEnvironment, parseEnvironment } from './environment';

export interface HttpConfig {
  host: string;
  port: number;
  corsOrigin: string;
  trustProxy: boolean;
}

export interface DatabaseConfig {
  /** Unset only outside production: an in-memory MongoDB is started then. */
  uri?: string;
  dbName?: string;
}

export interface AuthConfig {
  accessTokenSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  bcryptRounds: number;
  /** The refresh cookie gets `Secure` and `SameSite=Strict` when true. */
  secureCookies: boolean;
}

export interface VaultConfig {
  /** Maximum decoded size of one item's encrypted payload, in bytes. */
  maxItemBytes: number;
  /** How far, in milliseconds, a client's updatedAt or deletedAt may run ahead of the server clock. */
  maxClockSkewMs: number;
  /** Days a tombstone is kept for the change feed before the purge job removes it. */
  tombstoneRetentionDays: number;
  /** Per-user limits on live items and on the decoded bytes of their payloads. */
  quotaMaxItems: number;
  quotaMaxBytes: number;
}

/** Requests allowed per client IP in each rate-limit window. 0 disables a limit. */
export interface RateLimitConfig {
  auth: number;
  forgotPassword: number;
  api: number;
  batch: number;
}

export interface MailConfig {
  frontendUrl: string;
  smtp?: {
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    password?: string;
  };
  from: string;
}

/** Typed application settings, built once at start-up from the environment. */
export interface Configuration {
  environment: { name: NodeEnvironment; isProduction: boolean };
  http: HttpConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  vault: VaultConfig;
  rateLimits: RateLimitConfig;
  mail: MailConfig;
}

/**
 * Validates the raw environment and shapes it into {@link Configuration}.
 * Throws an error that lists every invalid or missing variable.
 */
export function loadConfiguration(raw: Record<string, unknown>): Configuration {
  const env = parseEnvironment(raw);
  const isProduction = env.NODE_ENV === NodeEnvironment.Production;

  return {
    environment: { name: env.NODE_ENV, isProduction },
    http: {
      host: env.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1'),
      port: env.PORT, corsOrigin: env.CORS_ORIGIN, trustProxy: env.TRUST_PROXY },
    database: { uri: env.MONGODB_URI, dbName: env.MONGODB_DB_NAME },
    auth: {
      accessTokenSecret: env.JWT_ACCESS_SECRET ?? developmentSecret(),
      accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      bcryptRounds: env.BCRYPT_ROUNDS,
      secureCookies: isProduction,
    },
    vault: {
      maxItemBytes: env.MAX_ITEM_BYTES,
      maxClockSkewMs: env.MAX_CLOCK_SKEW_MS,
      tombstoneRetentionDays: env.TOMBSTONE_RETENTION_DAYS,
      quotaMaxItems: env.QUOTA_MAX_ITEMS,
      quotaMaxBytes: env.QUOTA_MAX_BYTES,
    },
    rateLimits: {
      auth: env.RATE_LIMIT_AUTH,
      forgotPassword: env.RATE_LIMIT_FORGOT_PASSWORD,
      api: env.RATE_LIMIT_API,
      batch: env.RATE_LIMIT_BATCH,
    },
    mail: buildMailConfig(env),
  };
}

function buildMailConfig(env: EnvironmentVariables): MailConfig {
  const smtp = env.SMTP_HOST
    ? {
        host: env.SMTP_HOST,
        port: env.SMTP_PORT,
        secure: env.SMTP_SECURE,
        user: env.SMTP_USER,
        password: env.SMTP_PASS,
      }
    : undefined;
  return {
    frontendUrl: env.FRONTEND_URL.replace(/\/+$/, ''),
    smtp,
    from: env.SMTP_FROM ?? 'Tools Sync <no-reply@localhost>',
  };
}

let processSecret: string | undefined;

/**
 * Outside production a missing JWT secret is replaced by a random one, so
 * access tokens stop working when the process restarts. Refresh cookies
 * survive a restart, so the client gets a new access token on its next call.
 */
function developmentSecret(): string {
  processSecret ??= randomBytes(48).toString('base64');
  return processSecret;
}
