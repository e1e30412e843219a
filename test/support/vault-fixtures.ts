import { randomBytes } from 'node:crypto';

export interface EncryptedPayload {
  salt: string;
  iv: string;
  data: string;
}

/** Creates a payload shaped like the web client's: 16-byte salt, 12-byte IV, random ciphertext. */
export function encryptedPayload(dataBytes = 64): EncryptedPayload {
  return {
    salt: randomBytes(16).toString('base64'),
    iv: randomBytes(12).toString('base64'),
    data: randomBytes(dataBytes).toString('base64'),
  };
}

export function itemBody(updatedAt: number, itemName = 'Item', dataBytes = 64) {
  return { itemName, encryptedPayload: encryptedPayload(dataBytes), updatedAt };
}
