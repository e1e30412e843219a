import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { HelmetOptions } from 'helmet';

/** Path prefix of Swagger UI and the OpenAPI document. */
export const API_DOCS_PATH = '/docs';

const COMMON_OPTIONS: HelmetOptions = {
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true },
  xContentTypeOptions: true,
};

/** Strict policy for the JSON API: nothing but same-origin resources, no framing, no plugins. */
const API_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
  },
};

/**
 * Swagger UI (swagger-ui-dist, served by @nestjs/swagger) needs inline
 * styles in its HTML page and data: URIs for its icons; its scripts are
 * same-origin files.
 */
const DOCS_CSP = {
  useDefaults: false,
  directives: {
    ...API_CSP.directives,
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
  },
};

/**
 * Builds the helmet middleware: nosniff, `X-Frame-Options: DENY`, HSTS,
 * `Referrer-Policy: no-referrer` everywhere, and a strict Content Security
 * Policy everywhere except under {@link API_DOCS_PATH}, which gets the
 * small relaxation Swagger UI needs.
 */
export function securityHeaders(): RequestHandler {
  const api = helmet({ ...COMMON_OPTIONS, contentSecurityPolicy: API_CSP });
  const docs = helmet({ ...COMMON_OPTIONS, contentSecurityPolicy: DOCS_CSP });
  return (request: Request, response: Response, next: NextFunction) => {
    const isDocs = request.path === API_DOCS_PATH || request.path.startsWith(`${API_DOCS_PATH}/`);
    (isDocs ? docs : api)(request, response, next);
  };
}
