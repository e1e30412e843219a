import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { HttpLogger, pinoHttp } from 'pino-http';
import { LoggingConfig } from '../../config/configuration';
import { REDACT_PATHS, REDACTED, redactText } from './redaction';

/** The request as pino's standard serializer hands it over. */
interface SerializedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, unknown>;
  remoteAddress?: string;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Incoming request ids accepted as they are: short, and safe to copy into logs and headers. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:@+=-]{1,128}$/;

/**
 * Returns the request's id: a well-formed incoming `X-Request-Id`, such as
 * one set by a proxy, or a new UUID. The id is echoed in the response.
 */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Returns true when pino-pretty is installed; it is a development dependency only. */
function prettyPrinterInstalled(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

function createRootLogger(config: LoggingConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: {
      // Scrubs secrets from message strings, which path-based redaction cannot reach.
      logMethod(args, method) {
        const scrubbed = args.map((argument) => (typeof argument === 'string' ? redactText(argument) : argument));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  if (config.pretty && !destination && prettyPrinterInstalled()) {
    options.transport = {
      target: 'pino-pretty',
      options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    };
  }
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Creates the pino-http middleware: one log line per request with its id,
 * method, redacted URL, status and duration, as JSON lines, or through
 * pino-pretty in development. `destination` replaces standard output,
 * which lets tests capture the logs.
 */
export function createHttpLogger(config: LoggingConfig, destination?: DestinationStream): HttpLogger {
  return pinoHttp({
    logger: createRootLogger(config, destination),
    genReqId: assignRequestId,
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (request: SerializedRequest) => ({
        id: request.id,
        method: request.method,
        url: redactText(request.url),
        headers: request.headers,
        remoteAddress: request.remoteAddress,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
}
