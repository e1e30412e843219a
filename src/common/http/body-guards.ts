import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiException, ErrorCode } from '../errors/api-exception';

/** Keys that could reach a MongoDB query as operators or alter object prototypes. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isForbiddenKey(key: string): boolean {
  return key.startsWith('$') || FORBIDDEN_KEYS.has(key);
}

/**
 * Rejects a request that has a body in anything but JSON with 415. Without
 * this the JSON parser skips such a body and validation would report every
 * field as missing.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const contentLength = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (contentLength !== undefined && contentLength !== '0');
  if (!hasBody || request.is('application/json')) {
    next();
    return;
  }
  next(
    new ApiException(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      ErrorCode.UnsupportedMediaType,
      `Content-Type ${request.headers['content-type'] ?? '(missing)'} is not supported: send application/json`,
    ),
  );
}

/**
 * Rejects a JSON body that contains, at any depth, a key starting with `$`
 * or the key `__proto__`, `constructor` or `prototype`. The strict DTOs
 * already reject unknown fields; this also covers the free-form parts and
 * any route added later. Walks the body iteratively, so deep nesting
 * cannot overflow the stack.
 */
export function rejectForbiddenKeys(request: Request, _response: Response, next: NextFunction): void {
  const path = findForbiddenKey(request.body);
  if (path === undefined) {
    next();
    return;
  }
  next(
    new ApiException(
      HttpStatus.BAD_REQUEST,
      ErrorCode.ForbiddenKey,
      `Request body contains the forbidden key ${path}: keys starting with "$" and the keys __proto__, constructor and prototype are rejected`,
      { field: path },
    ),
  );
}

/** Returns the path of the first forbidden key in a parsed JSON value, or undefined. */
export function findForbiddenKey(value: unknown): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;

    if (Array.isArray(current)) {
      current.forEach((element, index) => pending.push({ value: element, path: `${path}[${index}]` }));
      continue;
    }
    for (const key of Object.keys(current)) {
      const keyPath = path ? `${path}.${key}` : key;
      if (isForbiddenKey(key)) return keyPath;
      pending.push({ value: (current as Record<string, unknown>)[key], path: keyPath });
    }
  }
  return undefined;
}
