import { registerAccount, uniqueEmail } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';

const WRONG_PASSWORD = 'wrong-password-0123';

function expectRateLimited(response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  expect(response.body.statusCode).toBe(429);
  expect(response.body.code).toBe('RATE_LIMITED');
  expect(typeof response.body.error).toBe('string');
  expect(response.body.message).toBe(response.body.error);
  expect(response.body.retryAfter).toBe(retryAfter);
}

describe('Rate limits (e2e)', () => {
  const apps: TestApp[] = [];

  async function startApp(overrides: Record<string, string>): Promise<TestApp> {
    const testApp = await createTestApp(overrides);
    apps.push(testApp);
    return testApp;
  }

  afterAll(async () => {
    await Promise.all(apps.map((testApp) => testApp.close()));
  });

  describe('auth group', () => {
    it('returns 429 with Retry-After after the limit', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '3' });

      await http.post('/auth/register').send({ email: uniqueEmail(), password: 'x'.repeat(16) }).expect(201);
      await http.post('/auth/login').send({ email: uniqueEmail(), password: WRONG_PASSWORD }).expect(401);
      await http.post('/auth/login').send({ email: uniqueEmail(), password: WRONG_PASSWORD }).expect(401);
      const blocked = await http.post('/auth/login').send({ email: uniqueEmail(), password: WRONG_PASSWORD });

      expectRateLimited(blocked);
      const registerBlocked = await http.post('/auth/register').send({ email: uniqueEmail(), password: 'x'.repeat(16) });
      expectRateLimited(registerBlocked);
    });

    it('routes outside the group stay open', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '1' });
      const account = await registerAccount(http);

      await http.post('/auth/login').send({ email: account.email, password: account.password }).expect(429);

      await http.get('/vault/sync-status').set('Authorization', `Bearer ${account.token}`).expect(200);
      await http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
    });

    it('invalid requests count too', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '2' });

      await http.post('/auth/login').send({}).expect(422);
      await http.post('/auth/login').send({ email: 'not-an-email' }).expect(422);

      expectRateLimited(await http.post('/auth/login').send({}));
    });
  });

  describe('TRUST_PROXY', () => {
    it('false ignores X-Forwarded-For', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '2', TRUST_PROXY: 'false' });

      for (const address of ['203.0.113.1', '203.0.113.2']) {
        await http.post('/auth/login').set('X-Forwarded-For', address).send({ email: uniqueEmail(), password: WRONG_PASSWORD }).expect(401);
      }
      const blocked = await http
        .post('/auth/login')
        .set('X-Forwarded-For', '203.0.113.3')
        .send({ email: uniqueEmail(), password: WRONG_PASSWORD });

      expectRateLimited(blocked);
    });

    it('true counts per forwarded address', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '2', TRUST_PROXY: 'true' });
      const login = (address: string) =>
        http.post('/auth/login').set('X-Forwarded-For', address).send({ email: uniqueEmail(), password: WRONG_PASSWORD });

      await login('203.0.113.10').expect(401);
      await login('203.0.113.10').expect(401);
      expectRateLimited(await login('203.0.113.10'));

      await login('203.0.113.11').expect(401);
    });

    it('true ignores client-forged left entries', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '2', TRUST_PROXY: 'true' });
      const login = (forwardedFor: string) =>
        http.post('/auth/login').set('X-Forwarded-For', forwardedFor).send({ email: uniqueEmail(), password: WRONG_PASSWORD });

      await login('198.51.100.1, 203.0.113.20').expect(401);
      await login('198.51.100.2, 203.0.113.20').expect(401);

      expectRateLimited(await login('198.51.100.3, 203.0.113.20'));
    });
  });

  describe('login per account', () => {
    it('limits one email across addresses', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '100', RATE_LIMIT_LOGIN_PER_ACCOUNT: '2', TRUST_PROXY: 'true' });
      const account = await registerAccount(http);
      const login = (address: string, email: string, password = WRONG_PASSWORD) =>
        http.post('/auth/login').set('X-Forwarded-For', address).send({ email, password });

      await login('203.0.113.30', account.email).expect(401);
      await login('203.0.113.31', ` ${account.email.toUpperCase()} `).expect(401);
      expectRateLimited(await login('203.0.113.32', account.email, account.password));

      await login('203.0.113.33', uniqueEmail()).expect(401);
    });

    it('does not apply to register', async () => {
      const { http } = await startApp({ RATE_LIMIT_AUTH: '100', RATE_LIMIT_LOGIN_PER_ACCOUNT: '1' });
      const email = uniqueEmail();

      await http.post('/auth/register').send({ email, password: 'x'.repeat(16) }).expect(201);
      await http.post('/auth/register').send({ email, password: 'x'.repeat(16) }).expect(409);
      await http.post('/auth/login').send({ email, password: 'x'.repeat(16) }).expect(200);
    });
  });
  describe('batch group', () => {
    it('limits batch push and pull together', async () => {
      const { http } = await startApp({ RATE_LIMIT_BATCH: '2' });
      const account = await registerAccount(http);
      const auth = { Authorization: `Bearer ${account.token}` };
      const pull = { items: [{ storeName: 'kanban-boards', itemId: 'x' }] };

      await http.post('/vault/batch-pull').set(auth).send(pull).expect(200);
      await http.post('/vault/batch-pull').set(auth).send(pull).expect(200);
      const blocked = await http.post('/vault/batch-push').set(auth).send({ items: [] });

      expectRateLimited(blocked);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
      await http.get('/vault/kanban-boards').set(auth).expect(200);
    });
  });

  describe('api limit', () => {
    it('counts routes across controllers', async () => {
      const { http } = await startApp({ RATE_LIMIT_API: '3' });

      await http.get('/').expect(200);
      // Counted before the access token is checked, so anonymous probing is limited too.
      await http.get('/vault/kanban-boards').expect(401);
      await http.post('/auth/login').send({ email: uniqueEmail(), password: WRONG_PASSWORD }).expect(401);
      const blocked = await http.get('/');

      expectRateLimited(blocked);
    });
  });
});
