import { refreshCookieOf, registerAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

/** A pino destination that keeps every line in memory. */
class CapturedLogs {
  readonly lines: string[] = [];

  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter((line) => line.length > 0));
  }

  get text(): string {
    return this.lines.join('\n');
  }

  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Logging (e2e)', () => {
  let testApp: TestApp;
  const logs = new CapturedLogs();

  beforeAll(async () => {
    testApp = await createTestApp({ LOG_LEVEL: 'trace' }, logs);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('full scenario logs no secret', async () => {
    const secrets: string[] = [];
    const account = await registerAccount(testApp.http);
    secrets.push(account.password, account.token, account.cookie.split('=')[1]);

    const login = await testApp.http
      .post('/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(200);
    const loginCookie = refreshCookieOf(login.headers['set-cookie'])!;
    secrets.push(login.body.token, loginCookie.split('=')[1]);

    const refresh = await testApp.http.post('/auth/refresh').set('Cookie', loginCookie).expect(200);
    const refreshedCookie = refreshCookieOf(refresh.headers['set-cookie'])!;
    secrets.push(refresh.body.token, refreshedCookie.split('=')[1]);

    const wrongPassword = 'wrong-password-0123456789';
    secrets.push(wrongPassword);
    await testApp.http
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${refresh.body.token}`)
      .send({ currentPassword: wrongPassword, newPassword: 'x'.repeat(20) })
      .expect(403);
    await testApp.http.post('/auth/login').send({ email: account.email, password: wrongPassword }).expect(401);

    const newPassword = 'new-password-9876543210abcdef';
    secrets.push(newPassword);
    const changed = await testApp.http
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${refresh.body.token}`)
      .set('Cookie', refreshedCookie)
      .send({ currentPassword: account.password, newPassword })
      .expect(200);
    const changedCookie = refreshCookieOf(changed.headers['set-cookie'])!;
    secrets.push(changed.body.token, changedCookie.split('=')[1]);
    const auth = { Authorization: `Bearer ${changed.body.token}` };

    const item = itemBody(1_000, 'Secret plans');
    secrets.push(item.encryptedPayload.data, item.encryptedPayload.salt, item.encryptedPayload.iv);
    await testApp.http.put('/vault/kanban-boards/plans').set(auth).send(item).expect(200);
    await testApp.http.get('/vault/kanban-boards/plans').set(auth).expect(200);

    const resetToken = 'reset-token-abcdef0123456789';
    secrets.push(resetToken);
    await testApp.http.get(`/vault/sync-status?token=${resetToken}`).set(auth).expect(422);

    await testApp.http.post('/auth/logout').set(auth).set('Cookie', changedCookie).expect(200);

    expect(logs.lines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect({ secret, found: logs.text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(logs.text).toContain('[redacted]');
  });

  it('logs are JSON lines with request ids', async () => {
    await testApp.http.get('/').expect(200);

    const entries = logs.entries();
    const completed = entries.filter((entry) => entry.msg === 'request completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const entry of completed) {
      const request = entry.req as { id: unknown; headers: Record<string, unknown> };
      expect(typeof request.id).toBe('string');
      if (request.headers.authorization !== undefined) expect(request.headers.authorization).toBe('[redacted]');
      if (request.headers.cookie !== undefined) expect(request.headers.cookie).toBe('[redacted]');
    }
  });

  it('echoes a well-formed request id', async () => {
    const response = await testApp.http.get('/').set('X-Request-Id', 'proxy-1234.abc').expect(200);

    expect(response.headers['x-request-id']).toBe('proxy-1234.abc');
    const entry = logs.entries().find((line) => (line.req as { id?: string } | undefined)?.id === 'proxy-1234.abc');
    expect(entry).toBeDefined();
  });

  it('replaces a malformed request id', async () => {
    for (const incoming of ['has spaces in it', 'x'.repeat(129), '<script>', 'a;b', '']) {
      const response = await testApp.http.get('/').set('X-Request-Id', incoming).expect(200);
      expect(response.headers['x-request-id']).toMatch(UUID_PATTERN);
    }
  });

  it('generates ids when none is sent', async () => {
    const first = await testApp.http.get('/').expect(200);
    const second = await testApp.http.get('/').expect(200);

    expect(first.headers['x-request-id']).toMatch(UUID_PATTERN);
    expect(second.headers['x-request-id']).toMatch(UUID_PATTERN);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('body parser errors get a request id', async () => {
    const response = await testApp.http
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"password": "leaked-in-bad-json-123"')
      .expect(400);

    expect(response.headers['x-request-id']).toMatch(UUID_PATTERN);
    expect(logs.text).not.toContain('leaked-in-bad-json-123');
  });
});
