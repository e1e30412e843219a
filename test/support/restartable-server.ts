import { ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';

/** A server process owned by one test, which can be stopped and started again with the same arguments. */
export interface RestartableServer {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data folder. */
  destroy(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

/**
 * Spawns `command` and resolves once its output contains `readyText`. The
 * returned start() spawns it again with the same arguments, so a restarted
 * server listens on the same port and reads the same `dataDir`.
 */
export async function startRestartableServer(
  name: string,
  command: string,
  args: string[],
  readyText: string,
  dataDir: string,
): Promise<RestartableServer> {
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForOutput(child, name, readyText);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when the process writes `readyText` to standard output or standard error. */
function waitForOutput(child: ChildProcess, name: string, readyText: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('error', (error) => fail(new Error(`${name} could not be started: ${error.message}`)));
    child.once('exit', (code) => fail(new Error(`${name} exited with code ${code} during start-up:\n${log}`)));
  });
}
