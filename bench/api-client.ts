import { randomBytes } from 'node:crypto';
import type { DiagnosticsSnapshot } from '../src/diagnostics/diagnostics.service';
import { refreshCookieOf } from '../test/support/accounts';

export interface BenchUser {
  email: string;
  password: string;
  userId: string;
  token: string;
  /** The `refreshToken=…` pair of the session created at registration. */
  cookie: string;
}

/** One vault item as batch-push takes it. */
export interface PushedItem {
  storeName: string;
  itemId: string;
  itemName: string;
  encryptedPayload: { salt: string; iv: string; data: string };
  updatedAt: number;
}

interface RequestOptions {
  token?: string;
  cookie?: string;
  body?: unknown;
  expectedStatus?: number;
}

export const BATCH_PUSH_MAX_ITEMS = 50;

/** Minimal fetch client for set-up calls; the measured load goes through autocannon. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const expectedStatus = options.expectedStatus ?? 200;
    if (response.status !== expectedStatus) {
      throw new Error(`${method} ${path} returned ${response.status}, expected ${expectedStatus}: ${text.slice(0, 300)}`);
    }
    return { body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
  }

  async register(label: string): Promise<BenchUser> {
    const email = `bench-${label}-${randomBytes(4).toString('hex')}@example.com`;
    const password = randomBytes(32).toString('hex');
    const { body, headers } = await this.request<{ token: string; user: { id: string } }>('POST', '/auth/register', {
      body: { email, password },
      expectedStatus: 201,
    });
    return { email, password, userId: body.user.id, token: body.token, cookie: requireCookie(headers) };
  }

  /** Signs in again, which creates a new session; returns its refresh cookie. */
  async login(user: BenchUser): Promise<string> {
    const { headers } = await this.request('POST', '/auth/login', { body: { email: user.email, password: user.password } });
    return requireCookie(headers);
  }

  /** Pushes items in batches of 50 and fails on any item the server did not store. */
  async pushItems(user: BenchUser, items: PushedItem[]): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_PUSH_MAX_ITEMS) {
      const batch = items.slice(start, start + BATCH_PUSH_MAX_ITEMS);
      const { body } = await this.request<{ results: { success: boolean; itemId: string; error?: string }[] }>(
        'POST',
        '/vault/batch-push',
        { token: user.token, body: { items: batch } },
      );
      const failed = body.results.find((result) => !result.success);
      if (failed) throw new Error(`batch-push did not store item ${failed.itemId}: ${failed.error}`);
    }
  }

  /** Reads the server's diagnostics since the previous call; needs BENCH_DIAGNOSTICS=true. */
  async takeDiagnosticsSnapshot(): Promise<DiagnosticsSnapshot> {
    return (await this.request<DiagnosticsSnapshot>('POST', '/diagnostics/snapshot')).body;
  }
}

function requireCookie(headers: Headers): string {
  const cookie = refreshCookieOf(headers.getSetCookie());
  if (!cookie) throw new Error('The server set no refreshToken cookie');
  return cookie;
}
