import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvironmentVariables, NodeEnvironment, parseEnvironment } from './environment';

export interface HttpConfig {
  host: string;
  port: number;
  corsOrigin: string;
  trustProxy: boolean;
  /** How long a SIGTERM waits for in-flight requests before closing their connections, in milliseconds. */
  shutdownTimeoutMs: number;
}

export interface DatabaseConfig {
  /** Unset only outside production: an in-memory MongoDB is started then. */
  uri?: string;
  dbName?: string;
  /** Whether Mongoose builds missing indexes when a model loads. */
  autoIndex: boolean;
}

export interface MetricsConfig {
  /** Port of the separate Prometheus listener; undefined turns metrics exposure off. */
  port?: number;
}

export interface AuthConfig {
  accessTokenSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  bcryptRounds: number;
  /** How long a password-reset link stays usable, in minutes. */
  passwordResetTtlMinutes: number;
  /** The refresh cookie gets `Secure` and `SameSite=Strict` when true. */
  secureCookies: boolean;
}

export interface VaultConfig {
  /** Maximum decoded size of one item's encrypted payload, in bytes. */
  maxItemBytes: number;
  /** Maximum lead, in milliseconds, of a client's updatedAt or deletedAt over the server clock. */
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
  /** Login attempts per email address in 15 minutes, on top of the per-IP auth limit. */
  loginPerAccount: number;
  /** Unset: counters live in process memory, so each instance has its own budget. */
  redisUrl?: string;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  redisKeyPrefix: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggingConfig {
  level: LogLevel;
  /** JSON lines when false; pino-pretty output when true and installed. */
  pretty: boolean;
}

/** Opt-in measurements for the benchmark, exposed at POST /diagnostics/snapshot. */
export interface DiagnosticsConfig {
  enabled: boolean;
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
  /**
   * Absolute path of the development outbox folder, set only when SMTP is
   * not configured (never in production, which requires SMTP_HOST).
   */
  outboxDir?: string;
}

/** Typed application settings, built once at start-up from the environment. */
export interface Configuration {
  environment: { name: NodeEnvironment; isProduction: boolean };
  http: HttpConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  vault: VaultConfig;
  rateLimits: RateLimitConfig;
  logging: LoggingConfig;
  mail: MailConfig;
  metrics: MetricsConfig;
  diagnostics: DiagnosticsConfig;
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
      port: env.PORT,
      corsOrigin: env.CORS_ORIGIN,
      trustProxy: env.TRUST_PROXY,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    database: {
      uri: env.MONGODB_URI,
      dbName: env.MONGODB_DB_NAME,
      autoIndex: env.MONGODB_AUTO_INDEX ?? !isProduction,
    },
    auth: {
      accessTokenSecret: env.JWT_ACCESS_SECRET ?? developmentSecret(),
      accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      bcryptRounds: env.BCRYPT_ROUNDS,
      passwordResetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
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
      loginPerAccount: env.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      redisUrl: env.REDIS_URL,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
    },
    logging: {
      level: (env.LOG_LEVEL as LogLevel | undefined) ?? (env.NODE_ENV === NodeEnvironment.Test ? 'warn' : 'info'),
      pretty: env.NODE_ENV === NodeEnvironment.Development,
    },
    mail: buildMailConfig(env),
    metrics: { port: env.METRICS_PORT },
    diagnostics: { enabled: env.BENCH_DIAGNOSTICS },
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
    outboxDir: smtp ? undefined : resolve(env.MAIL_OUTBOX_DIR),
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
