import { createSecretKey, KeyObject } from 'node:crypto';

/**
 * Wraps the HS256 secret in a KeyObject. Given a plain string,
 * jsonwebtoken 9 tries to parse it as a PEM key on every sign and verify,
 * and that attempt throws. In a CPU profile of GET item under load, that
 * parse (createPublicKey) was 18 % of the samples.
 */
export function accessTokenKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
