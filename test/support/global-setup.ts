import type { MongoMemoryServer } from 'mongodb-memory-server-core';

declare global {
  // Shared with global-teardown.ts, which Jest runs in the same process.
  var __MONGO_MEMORY_SERVER__: MongoMemoryServer | undefined;
}

/**
 * Points the e2e tests at a database. MONGODB_URI wins when set (CI sets
 * it to a local FerretDB); otherwise an in-memory MongoDB is started, which
 * downloads a MongoDB binary on first use.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;

  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  try {
    globalThis.__MONGO_MEMORY_SERVER__ = await MongoMemoryServer.create({ instance: { ip: '127.0.0.1' } });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `MONGODB_URI is not set and no in-memory MongoDB could start: ${reason}\n` +
        'Set MONGODB_URI to a MongoDB or FerretDB server, or run `bash .ci/run`, which starts FerretDB itself.',
    );
  }
  process.env.MONGODB_URI = globalThis.__MONGO_MEMORY_SERVER__.getUri();
}
