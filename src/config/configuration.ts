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
  /** How long a password-reset link stays usable, in minutes. */
  passwordResetTtlMinutes: number;
  /** The refresh cookie gets `Secure` and `SameSite=Strict` when true. */
  secureCookies: boolean;
}

export interface VaultConfig {
  /** Maximum decoded size of one item's encrypted payload, in bytes. */
  maxItemBytes: number;
}

/** Requests allowed per client IP in each rate-limit window. 0 disables a limit. */
export interface RateLimitConfig {
  auth: number;
  forgotPassword: number;
  api: number;
  batch: number;
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
      port: env.PORT, corsOrigin: env.CORS_ORIGIN, trustProxy: env.TRUST_PROXY },
    database: { uri: env.MONGODB_URI, dbName: env.MONGODB_DB_NAME },
    auth: {
      accessTokenSecret: env.JWT_ACCESS_SECRET ?? developmentSecret(),
      accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      bcryptRounds: env.BCRYPT_ROUNDS,
      passwordResetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
      secureCookies: isProduction,
    },
    vault: { maxItemBytes: env.MAX_ITEM_BYTES },
    rateLimits: {
      auth: env.RATE_LIMIT_AUTH,
      forgotPassword: env.RATE_LIMIT_FORGOT_PASSWORD,
      api: env.RATE_LIMIT_API,
      batch: env.RATE_LIMIT_BATCH,
    },
    mail: buildMailConfig(env),
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
