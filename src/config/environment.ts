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

  @IsOptional()
  @IsEmail({ allow_display_name: true }, { message: 'SMTP_FROM must be an address such as "Tools <no-reply@example.com>"' })
  SMTP_FROM?: string;
}

/** Secrets that copy-pasted examples ship with; production rejects them. */
const PLACEHOLDER_SECRET = /(change|replace)[-_ ]?me|example|placeholder|your[-_ ]?secret|^(.)\2+$/i;

function productionProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (!env.MONGODB_URI) problems.push('MONGODB_URI is required in production');
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
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  if (problems.length === 0 && env.NODE_ENV === NodeEnvironment.Production) {
    problems.push(...productionProblems(env));
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

function isDeclared(key: string, known: string[]): boolean {
  // Optional fields have no default, so they are missing from `known`.
  return known.includes(key) || OPTIONAL_VARIABLES.includes(key);
}

const OPTIONAL_VARIABLES = [
  'HOST',
  'MONGODB_URI',
  'MONGODB_DB_NAME',
  'JWT_ACCESS_SECRET',
  'SMTP_HOST',
  'SMTP_USER',
  'SMTP_PASS',
  'SMTP_FROM',
];
