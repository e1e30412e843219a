import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MongoMemoryServer } from 'mongodb-memory-server-core';
import { freePort } from './free-port';
import { RestartableServer, startRestartableServer } from './restartable-server';

/** A database server owned by one test, which can be stopped and started again on the same port and data. */
export interface PrivateDatabase extends RestartableServer {
  uri: string;
}

/** FerretDB version that scripts/ferretdb.sh builds, and so the name of its cached binary. */
const FERRETDB_VERSION = '1.24.2';

/**
 * Returns the FerretDB binary to use: FERRETDB_BINARY, else the one that
 * scripts/ferretdb.sh (and so `npm run db:ferretdb`) caches, if present.
 */
function ferretDbBinary(): string | undefined {
  const cacheDir =
    process.env.FERRETDB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tools-sync-api');
  const candidates = [process.env.FERRETDB_BINARY, join(cacheDir, `ferretdb-${FERRETDB_VERSION}`)];
  return candidates.find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!));
}

/**
 * Starts a private server: FerretDB when its binary is found (see
 * ferretDbBinary), else an in-memory MongoDB, which downloads a MongoDB
 * binary on first use.
 */
export async function startPrivateDatabase(): Promise<PrivateDatabase> {
  const binary = ferretDbBinary();
  if (binary) return startFerretDb(binary);
  return startMemoryServer();
}

async function startFerretDb(binary: string): Promise<PrivateDatabase> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'private-ferretdb-'));
  const args = ['-listen-addr', `127.0.0.1:${port}`, '-data-dir', dataDir];
  const server = await startRestartableServer('FerretDB', binary, args, 'ferretdb listening', dataDir);
  return { uri: `mongodb://127.0.0.1:${port}/`, ...server };
}

// NOTE: this fallback has only been type-checked: the machines that ran these tests had FerretDB and no network to download MongoDB.
async function startMemoryServer(): Promise<PrivateDatabase> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server: MongoMemoryServer = await MongoMemoryServer.create({ instance: { ip: '127.0.0.1' } });
  return {
    uri: server.getUri(),
    // Keeping the data folder lets start(true) come back on the same port with the same data.
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
    start: async () => {
      await server.start(true);
    },
    destroy: async () => {
      await server.stop({ doCleanup: true, force: true });
    },
  };
}
