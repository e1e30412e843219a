import { mongo } from 'mongoose';

/** MongoDB's code for a write that would break a unique index. */
export const DUPLICATE_KEY_ERROR_CODE = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY_ERROR_CODE;
}
