import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';

/**
 * Requests `path` until it returns `status`, and returns that response.
 * Fails with the last response after `deadlineMs`: a limit on waiting, not
 * a claim about speed.
 */
export async function pollUntilStatus(http: TestAgent, path: string, status: number, deadlineMs = 30_000): Promise<Response> {
  const deadline = Date.now() + deadlineMs;
  let last: Response | undefined;
  while (Date.now() < deadline) {
    last = await http.get(path);
    if (last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`GET ${path} did not return ${status} within ${deadlineMs} ms; last: ${last?.status} ${JSON.stringify(last?.body)}`);
}
