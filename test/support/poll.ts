import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';

const POLL_INTERVAL_MS = 200;

/**
 * Calls `check` until it returns true. Fails after `deadlineMs`, which
 * limits the wait and claims nothing about speed, with `describe()` in
 * the message.
 */
export async function waitFor(check: () => Promise<boolean>, describe: () => string, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`Timed out after ${deadlineMs} ms waiting until ${describe()}`);
}

/** Requests `path` until it returns `status`, and returns that response. */
export async function pollUntilStatus(http: TestAgent, path: string, status: number, deadlineMs = 30_000): Promise<Response> {
  let last: Response | undefined;
  await waitFor(
    async () => {
      last = await http.get(path);
      return last.status === status;
    },
    () => `GET ${path} returns ${status}; last: ${last?.status} ${JSON.stringify(last?.body)}`,
    deadlineMs,
  );
  return last as Response;
}
