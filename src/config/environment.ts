import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export enum NodeEnvironment {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no', ''].includes(normalised)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string' || value.trim() === '') return value;
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
};

const MONGODB_URI_PATTERN = /^mongodb(\+srv)?:\/\/\S+$/;

/**
 * Environment variables read at start-up. Every field has the name of its
 * variable; `.env.example` documents each one.
 */
export class EnvironmentVariables {
  @IsEnum(NodeEnvironment)
  NODE_ENV: NodeEnvironment = NodeEnvironment.Development;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3001;

  /** Interface to listen on. Unset: 127.0.0.1, or 0.0.0.0 in production. */
  @IsOptional()
  @IsString()
  HOST?: string;

  @IsOptional()
  @Matches(MONGODB_URI_PATTERN, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' })
  MONGODB_URI?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, {
    message: 'MONGODB_DB_NAME must be 1-63 letters, digits, "_" or "-"',
  })
  MONGODB_DB_NAME?: string;

  /** Build indexes when models load. Unset: false in production, where `npm run db:indexes` builds them. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  MONGODB_AUTO_INDEX?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_ACCESS_SECRET must be at least 32 characters long' })
  JWT_ACCESS_SECRET?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(60)
  @Max(86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 7;

  @Transform(toInteger)
  @IsInt()
  @Min(4)
  @Max(15)
  BCRYPT_ROUNDS = 12;

  @Transform(toInteger)
  @IsInt()
  @Min(5)
  @Max(1440)
  PASSWORD_RESET_TTL_MINUTES = 60;

  @IsString()
  CORS_ORIGIN = 'http://localhost:5173';

  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'FRONTEND_URL must be an http(s) URL' })
  FRONTEND_URL = 'http://localhost:5173';

  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  MAX_ITEM_BYTES = 10 * 1024 * 1024;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  TOMBSTONE_RETENTION_DAYS = 90;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  QUOTA_MAX_ITEMS = 100_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  QUOTA_MAX_BYTES = 1024 * 1024 * 1024;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RATE_LIMIT_AUTH = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RATE_LIMIT_FORGOT_PASSWORD = 3;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RATE_LIMIT_API = 300;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RATE_LIMIT_BATCH = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RATE_LIMIT_LOGIN_PER_ACCOUNT = 10;

  /** Unset: rate-limit counters live in this process's memory. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9:_-]{0,64}$/, { message: 'REDIS_KEY_PREFIX must be at most 64 letters, digits, ":", "_" or "-"' })
  REDIS_KEY_PREFIX = 'tools-sync:';

  /** Unset: info, or warn when NODE_ENV is test. */
  @IsOptional()
  @IsEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace or silent',
  })
  LOG_LEVEL?: string;

  /** Port of the Prometheus /metrics listener on HOST. Unset: no metrics listener. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /**
   * Serves event-loop delay and database command counts at
   * POST /diagnostics/snapshot, for the benchmark. Off by default.
   */
  @Transform(toBoolean)
  @IsBoolean()
  BENCH_DIAGNOSTICS = false;

  @IsOptional()
  @IsString()
  SMTP_HOST?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT = 587;

  @Transform(toBoolean)
  @IsBoolean()
  SMTP_SECURE = false;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  SMTP_PASS?: string;

  /** Folder for the development outbox, used only while SMTP_HOST is unset. A relative path starts at the working directory. */
  @IsString()
  MAIL_OUTBOX_DIR = '.tmp/outbox';

  @IsOptional()
  @IsEmail({ allow_display_name: true }, { message: 'SMTP_FROM must be an address such as "Tools <no-reply@example.com>"' })
  SMTP_FROM?: string;
}

/** Secrets that copy-pasted examples ship with; production rejects them. */
const PLACEHOLDER_SECRET = /(change|replace)[-_ ]?me|example|placeholder|your[-_ ]?secret|^(.)\2+$/i;

function productionProblems(env: EnvironmentVariables, relevant: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!env.MONGODB_URI) problems.push('MONGODB_URI is required in production');
  // Their defaults point at a local development client, which is never right in production.
  for (const name of ['CORS_ORIGIN', 'FRONTEND_URL']) {
    if (relevant[name] === undefined) problems.push(`${name} is required in production: set it to the web client's origin`);
  }
  if (!env.JWT_ACCESS_SECRET) {
    problems.push('JWT_ACCESS_SECRET is required in production: set it to 32 or more random characters');
  } else if (PLACEHOLDER_SECRET.test(env.JWT_ACCESS_SECRET)) {
    problems.push('JWT_ACCESS_SECRET looks like a placeholder: generate one with `openssl rand -base64 48`');
  }
  if (env.BCRYPT_ROUNDS < 12) problems.push('BCRYPT_ROUNDS must be at least 12 in production');
  if (!env.SMTP_HOST) problems.push('SMTP_HOST is required in production, since password reset sends email');
  if (!env.SMTP_FROM) problems.push('SMTP_FROM is required in production');
  return problems;
}

/**
 * Parses and checks the raw environment. Throws one error that lists every
 * invalid or missing variable, so a deployment is fixed in one round.
 */
export function parseEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables());
  const relevant = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => isDeclared(key, known) && value !== undefined && value !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const problems = validateSync(env, { skipMissingProperties: false }).flatMap((error) =>
    messagesOf(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
    problems.push('METRICS_PORT must differ from PORT, because metrics get a listener of their own');
  }
  if (env.NODE_ENV === NodeEnvironment.Production) {
    problems.push(...productionProblems(env, relevant));
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

/** Type errors alone, when present: an unparsable PORT would otherwise also fail its range checks. */
function messagesOf(constraints: Record<string, string>): string[] {
  const typeErrors = ['isInt', 'isBoolean'].filter((name) => name in constraints);
  const names = typeErrors.length > 0 ? typeErrors : Object.keys(constraints);
  return names.map((name) => constraints[name]);
}

function isDeclared(key: string, known: string[]): boolean {
  // Optional fields have no default, so they are missing from `known`.
  return known.includes(key) || OPTIONAL_VARIABLES.includes(key);
}

const OPTIONAL_VARIABLES = [
  'HOST',
  'MONGODB_URI',
  'MONGODB_DB_NAME',
  'MONGODB_AUTO_INDEX',
  'METRICS_PORT',
  'JWT_ACCESS_SECRET',
  'SMTP_HOST',
  'SMTP_USER',
  'SMTP_PASS',
  'SMTP_FROM',
  'REDIS_URL',
  'LOG_LEVEL',
];
