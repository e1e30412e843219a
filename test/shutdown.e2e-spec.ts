import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { connect } from 'node:net';
import mongoose from 'mongoose';
import request from 'supertest';
import { registerAccount } from './support/accounts';
import { freePort } from './support/free-port';
import { waitFor } from './support/poll';
import { uniqueDatabaseName } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

const { projectRoot, resolveEntryPoint } = require('../scripts/entry-point.js') as {
  projectRoot: string;
  resolveEntryPoint(name: string): { compiled: boolean; nodeArguments: string[] };
};

jest.setTimeout(180_000);

/** Resolves 'refused' when a TCP connection to the port is refused, else 'accepted'. */
function tryConnect(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve('refused');
      else reject(error);
    });
  });
}

async function inFlightRequests(metricsPort: number): Promise<number> {
  const response = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics');
  const match = /^http_requests_in_flight (\d+)$/m.exec(response.text);
  return match ? Number(match[1]) : -1;
}

interface RunningApi {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output(): string;
}

/** Spawns the API as a child process, from dist/ when built and current, else through ts-node. */
async function spawnApi(databaseName: string, shutdownTimeoutMs: number): Promise<RunningApi> {
  const port = await freePort();
  const metricsPort = await freePort();
  const { nodeArguments } = resolveEntryPoint('main');
  const child = spawn(process.execPath, nodeArguments, {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      // The assertions read the shutdown progress lines, which log at info.
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      MONGODB_URI: process.env.MONGODB_URI,
      MONGODB_DB_NAME: databaseName,
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_AUTH: '0',
      RATE_LIMIT_API: '0',
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`The API exited during start-up:\n${output}`);
      return (await tryConnect(port)) === 'accepted';
    },
    () => 'the API listens',
    90_000,
  );
  return { child, port, metricsPort, exited, output: () => output };
}

/**
 * Starts a slow upload: the server receives the headers and the first bytes
 * of the body, and the caller sends the rest with `finish`.
 */
async function startSlowUpload(api: RunningApi, token: string) {
  const body = Buffer.from(JSON.stringify(itemBody(5000, 'Uploaded during shutdown')));
  const upload = http.request({
    host: '127.0.0.1',
    port: api.port,
    method: 'PUT',
    path: '/vault/kanban-boards/slow',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': body.length },
  });
  const outcome = new Promise<{ status: number; connection?: string; text: string } | { error: string }>((resolve) => {
    upload.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    upload.once('response', async (response) => {
      let text = '';
      for await (const chunk of response) text += String(chunk);
      resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, text });
    });
  });
  upload.write(body.subarray(0, 10));
  await waitFor(async () => (await inFlightRequests(api.metricsPort)) === 1, () => 'the upload is in flight');
  return { outcome, finish: () => upload.end(body.subarray(10)) };
}

describe('Graceful shutdown (e2e)', () => {
  const databaseName = uniqueDatabaseName();
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const connection = await mongoose.createConnection(process.env.MONGODB_URI ?? '', { dbName: databaseName }).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  it('finishes in-flight requests on SIGTERM', async () => {
    const api = await spawnApi(databaseName, 60_000);
    children.push(api.child);
    const account = await registerAccount(request(`http://127.0.0.1:${api.port}`));
    const upload = await startSlowUpload(api, account.token);

    api.child.kill('SIGTERM');

    await waitFor(async () => (await tryConnect(api.port)) === 'refused', () => 'new connections are refused');
    expect(api.child.exitCode).toBeNull();

    upload.finish();
    const outcome = await upload.outcome;
    expect(outcome).toEqual({ status: 200, connection: 'close', text: JSON.stringify({ success: true }) });

    const [code, signal] = await api.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(api.output()).toContain('1 in-flight request(s)');
    expect(api.output()).toContain('Shutdown complete');

    const connection = await mongoose.createConnection(process.env.MONGODB_URI ?? '', { dbName: databaseName }).asPromise();
    const stored = await connection.collection('vault_items').findOne({ storeName: 'kanban-boards', itemId: 'slow' });
    await connection.close();
    expect(stored?.itemName).toBe('Uploaded during shutdown');
    expect(stored?.updatedAt).toBe(5000);
  });

  it('cuts requests off after the timeout', async () => {
    const api = await spawnApi(databaseName, 300);
    children.push(api.child);
    const account = await registerAccount(request(`http://127.0.0.1:${api.port}`));
    const upload = await startSlowUpload(api, account.token);

    api.child.kill('SIGTERM');

    const [code, signal] = await api.exited;
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(await upload.outcome).toEqual({ error: 'ECONNRESET' });
    expect(api.output()).toContain('Shutdown timed out after 300 ms');
  });
});
