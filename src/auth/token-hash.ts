import { createHash, randomBytes } from 'node:crypto';

/** Creates a token of 256 random bits, URL-safe base64. */
export function createOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Hashes a high-entropy token for storage. SHA-256 is enough here: a
 * brute-force search over 256 random bits is out of reach, so the slowness
 * of bcrypt would buy nothing and cost CPU on every refresh.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
