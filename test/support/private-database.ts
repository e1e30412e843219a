import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MongoMemoryServer } from 'mongodb-memory-server-core';
import { freePort } from './free-port';

/** A database server owned by one test, which can be stopped and started again on the same port and data. */
export interface PrivateDatabase {
  uri: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

/**
 * Starts a private server: FerretDB from FERRETDB_BINARY (exported by
 * `source scripts/ferretdb.sh`) when that file exists, else an in-memory
 * MongoDB, which downloads a MongoDB binary on first use.
 */
export async function startPrivateDatabase(): Promise<PrivateDatabase> {
  const binary = process.env.FERRETDB_BINARY;
  if (binary && existsSync(binary)) return startFerretDb(binary);
  return startMemoryServer();
}

async function startFerretDb(binary: string): Promise<PrivateDatabase> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'private-ferretdb-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(binary, ['-listen-addr', `127.0.0.1:${port}`, '-data-dir', dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await waitForReady(child);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when FerretDB logs that it accepts connections. */
function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`FerretDB did not start within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ferretdb listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => fail(new Error(`FerretDB exited with code ${code} during start-up:\n${log}`)));
  });
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
