import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { RestartableServer, startRestartableServer } from './restartable-server';

/** A Redis server owned by one test, which can be stopped and started again on the same port. */
export interface PrivateRedis extends RestartableServer {
  url: string;
}

/**
 * Starts `redis-server` from PATH on 127.0.0.1 without persistence, so a
 * restart comes back empty, as a Redis that holds only rate-limit
 * counters may.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'private-redis-'));
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dataDir];
  const server = await startRestartableServer('redis-server', 'redis-server', args, 'Ready to accept connections', dataDir);
  return { url: `redis://127.0.0.1:${port}`, ...server };
}
