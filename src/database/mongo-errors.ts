import { Error as MongooseError, mongo } from 'mongoose';

/** MongoDB's code for a write that would break a unique index. */
export const DUPLICATE_KEY_ERROR_CODE = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY_ERROR_CODE;
}

/** Returns true when a query failed because no MongoDB server could be reached, not because of the query. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  return (
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoTopologyClosedError ||
    error instanceof MongooseError.MongooseServerSelectionError
  );
}
