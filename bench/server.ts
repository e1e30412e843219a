import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';

const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_LOG_LINES = 80;

export interface ServerOptions {
  repositoryRoot: string;
  mongodbUri: string;
  databaseName: string;
}

/** The built API (`node dist/main`) running as a child process on loopback. */
export class ApiServer {
  private readonly recentLog: string[] = [];
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.recentLog.push(line);
        if (this.recentLog.length > KEPT_LOG_LINES) this.recentLog.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => {
      this.exited = true;
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last lines the server logged, for error reports. */
  get log(): string {
    return this.recentLog.join('\n');
  }

  /**
   * Starts the server with production settings, except that rate limits are
   * off (the benchmark sends thousands of requests from one IP) and the
   * diagnostics snapshot is on. Resolves once GET / returns 200.
   */
  static async start(options: ServerOptions): Promise<ApiServer> {
    const port = await freePort();
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: LOOPBACK,
      PORT: String(port),
      MONGODB_URI: options.mongodbUri,
      MONGODB_DB_NAME: options.databaseName,
      JWT_ACCESS_SECRET: randomBytes(48).toString('base64'),
      BCRYPT_ROUNDS: '12',
      RATE_LIMIT_AUTH: '0',
      RATE_LIMIT_FORGOT_PASSWORD: '0',
      RATE_LIMIT_API: '0',
      RATE_LIMIT_BATCH: '0',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '0',
      // Production requires an SMTP server; no scenario sends mail, so it is never contacted.
      SMTP_HOST: LOOPBACK,
      SMTP_PORT: '2525',
      SMTP_FROM: 'Tools Sync Benchmark <bench@example.com>',
      // Required in production; nothing in the benchmark sends a cross-origin request or an email.
      CORS_ORIGIN: 'http://127.0.0.1',
      FRONTEND_URL: 'http://127.0.0.1',
      // Plain log lines, so that the ones kept for error reports are readable.
      NO_COLOR: '1',
      BENCH_DIAGNOSTICS: 'true',
    };
    const child = spawn(process.execPath, [join(options.repositoryRoot, 'dist', 'main.js')], {
      cwd: options.repositoryRoot,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ApiServer(child, `http://${LOOPBACK}:${port}`);
    await server.waitUntilReady();
    return server;
  }

  /** Sends SIGTERM, which runs Nest's shutdown hooks, and SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exit;
    clearTimeout(timer);
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`The API server exited during start-up. Its log:\n${this.log}`);
      try {
        const response = await fetch(`${this.baseUrl}/`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop();
    throw new Error(`The API server did not return 200 to GET / within ${READY_TIMEOUT_MS / 1000} s. Its log:\n${this.log}`);
  }
}
