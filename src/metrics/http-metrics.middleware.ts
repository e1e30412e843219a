import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Route label of requests that matched no route, so that scanned URLs do not each add a time series. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Builds an Express middleware that counts and times every request by
 * method, route pattern (such as `/vault/:store/:itemId`, never the raw URL)
 * and status code. It must run before the body parser, so that a slow
 * upload counts as in flight and its time is measured.
 */
export function createHttpMetricsMiddleware(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    metrics.httpRequestsInFlight.inc();

    // 'close' also fires when the client aborts, which 'finish' does not.
    response.once('close', () => {
      metrics.httpRequestsInFlight.dec();
      const route = routePattern(request);
      const status = response.writableFinished ? String(response.statusCode) : 'aborted';
      const labels = { method: request.method, route, status };
      metrics.httpRequests.inc(labels);
      stopTimer(labels);
      // Every 429 of this API comes from a rate limit.
      if (response.statusCode === 429) metrics.rateLimitRejections.inc({ route });
    });
    next();
  };
}

function routePattern(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  // Middleware bound to every path (nestjs-pino's, as `/{*path}`) also sets
  // `request.route`. No API route has a wildcard, so one means no route matched.
  if (typeof route?.path !== 'string' || route.path.includes('*')) return UNMATCHED_ROUTE;
  return `${request.baseUrl}${route.path}`;
}
