import { EncryptedPayload } from './schemas/vault-item.schema';

/**
 * Returns the number of bytes a padded base64 string decodes to, without
 * decoding it. The input must already be valid base64.
 */
export function decodedBase64Length(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** Decoded size in bytes of the salt, IV and ciphertext together. */
export function payloadSize(payload: EncryptedPayload): number {
  return decodedBase64Length(payload.salt) + decodedBase64Length(payload.iv) + decodedBase64Length(payload.data);
}
