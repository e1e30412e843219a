import { Logger } from '@nestjs/common';
import type { MongoMemoryServer } from 'mongodb-memory-server-core';

const logger = new Logger('DevelopmentMongo');

let server: MongoMemoryServer | undefined;

/**
 * Starts an in-memory MongoDB for local development when MONGODB_URI is
 * unset. mongodb-memory-server downloads a MongoDB binary on first use, so
 * this needs network access once. Without it, the error explains what to set.
 */
export async function startDevelopmentMongo(): Promise<string> {
  let memoryServer: typeof import('mongodb-memory-server-core');
  try {
    memoryServer = await import('mongodb-memory-server-core');
  } catch {
    throw new Error(
      'MONGODB_URI is not set and mongodb-memory-server-core is not installed (it is a development dependency). ' +
        'Set MONGODB_URI to a running MongoDB, for example mongodb://127.0.0.1:27017/tools-sync.',
    );
  }

  logger.log('MONGODB_URI is not set: starting an in-memory MongoDB for development (data is lost on exit)');
  try {
    server = await memoryServer.MongoMemoryServer.create({ instance: { ip: '127.0.0.1' } });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not start an in-memory MongoDB: ${reason}\n` +
        'Set MONGODB_URI to a running MongoDB instead, for example mongodb://127.0.0.1:27017/tools-sync. ' +
        'Without network access, `npm run db:ferretdb` starts a local FerretDB (needs Go) and prints the URI to use.',
    );
  }
  const uri = server.getUri('tools-sync');
  logger.log(`In-memory MongoDB listening at ${uri}`);
  return uri;
}

export async function stopDevelopmentMongo(): Promise<void> {
  await server?.stop();
  server = undefined;
}
