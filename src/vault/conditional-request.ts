import { HttpStatus } from '@nestjs/common';
import { ApiException, ErrorCode } from '../common/errors/api-exception';

/** A parsed `If-Match` header: any current item (`*`), or one of the listed server versions. */
export type IfMatch = { any: true } | { versions: number[] };

const ENTITY_TAG_PATTERN = /^"(0|[1-9]\d{0,15})"$/;

/** Formats a server version as the strong entity tag sent in `ETag`. */
export function formatEntityTag(serverVersion: number): string {
  return `"${serverVersion}"`;
}

/**
 * Parses an `If-Match` header (RFC 9110, section 13.1.1). Weak tags never
 * match, because If-Match uses strong comparison, and this server issues
 * only strong tags. Throws 422 for text that is not a list of entity tags.
 */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '*') return { any: true };

  const versions: number[] = [];
  for (const part of trimmed.split(',').map((tag) => tag.trim())) {
    if (/^W\/"[^"]*"$/.test(part)) continue;
    const match = ENTITY_TAG_PATTERN.exec(part);
    if (!match || !Number.isSafeInteger(Number(match[1]))) throw invalidIfMatch(header);
    versions.push(Number(match[1]));
  }
  return { versions };
}

function invalidIfMatch(header: string): ApiException {
  const excerpt = header.length > 80 ? `${header.slice(0, 80)}…` : header;
  return new ApiException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.ValidationFailed,
    `Validation failed: If-Match must be * or quoted server versions such as "42", not ${excerpt}`,
    { fields: [{ field: 'If-Match', errors: ['If-Match must be * or a list of quoted server versions'] }] },
  );
}
