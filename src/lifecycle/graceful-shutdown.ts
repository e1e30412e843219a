import { INestApplication, Logger } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';

const logger = new Logger('Shutdown');

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Shuts the application down on SIGTERM or SIGINT: the HTTP server stops
 * accepting connections, in-flight requests get up to `timeoutMs` to finish,
 * then Nest's shutdown hooks close the database and the process exits. The
 * exit code is 0, or 1 when requests had to be cut off or a hook failed.
 * A second signal exits at once with code 1.
 *
 * Replaces Nest's `enableShutdownHooks()`, which (in Nest 11) runs the
 * modules' destroy hooks while requests are still in flight, waits for them
 * without a time limit, and by default re-raises the signal instead of
 * exiting with code 0.
 */
export function enableGracefulShutdown(app: INestApplication, timeoutMs: number): void {
  const server = app.getHttpServer() as Server;
  const inFlight = new Set<ServerResponse>();
  let shuttingDown = false;

  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    // Open keep-alive connections can still carry requests after close(), so each response now ends its connection.
    if (shuttingDown) response.setHeader('Connection', 'close');
    response.once('close', () => {
      inFlight.delete(response);
      if (shuttingDown) server.closeIdleConnections();
    });
  });

  const shutDown = async (signal: NodeJS.Signals): Promise<number> => {
    logger.log(`${signal} received: closed to new connections, waiting up to ${timeoutMs} ms for ${inFlight.size} in-flight request(s)`);
    for (const response of inFlight) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    const drained = await closeServer(server, inFlight, timeoutMs);

    try {
      await app.close();
    } catch (error) {
      logger.error(`Shutdown hooks failed: ${error instanceof Error ? error.stack : String(error)}`);
      return 1;
    }
    logger.log('Shutdown complete');
    return drained ? 0 : 1;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn(`${signal} received again during shutdown: exiting now`);
      process.exit(1);
    }
    shuttingDown = true;
    void shutDown(signal).then((code) => process.exit(code));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
}

/**
 * Stops accepting connections and resolves true once every connection has
 * ended, or false after `timeoutMs`, when the remaining ones are destroyed.
 * Node 19 and later also close idle keep-alive connections in close().
 */
function closeServer(server: Server, inFlight: Set<ServerResponse>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn(`Shutdown timed out after ${timeoutMs} ms: closing the connections of ${inFlight.size} unfinished request(s)`);
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
