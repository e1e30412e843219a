import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { SESSION_STATUS_CACHE_MS } from '../src/auth/session-status-cache';
import { refreshCookieOf, registerAccount, TestAccount } from './support/accounts';
import { waitFor } from './support/poll';
import { createTestApp, TestApp, uniqueDatabaseName } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

/** Shared rate-limit counters when REDIS_URL is set, so every request also goes through one Redis. */
function sharedRedisSettings(): Record<string, string> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) return {};
  return { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:`, RATE_LIMIT_API: '1000' };
}

/**
 * Two instances behind one load balancer share only the database, the
 * JWT secret and, when configured, Redis, so any request may land on
 * either of them. That both instances count against one rate-limit
 * budget is tested in rate-limit-redis.e2e-spec.ts.
 */
describe('Two instances, one database (e2e)', () => {
  let first: TestApp;
  let second: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    const shared = {
      MONGODB_DB_NAME: uniqueDatabaseName(),
      JWT_ACCESS_SECRET: randomBytes(48).toString('base64'),
      ...sharedRedisSettings(),
    };
    first = await createTestApp(shared);
    second = await createTestApp(shared);
    account = await registerAccount(first.http);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${account.token}` });

  it('reads through one what the other wrote', async () => {
    const body = itemBody(1000, 'Written through the first');
    await first.http.put('/vault/markdown-documents/d1').set(auth()).send(body).expect(200);

    const read = await second.http.get('/vault/markdown-documents/d1').set(auth()).expect(200);
    expect(read.body.itemName).toBe('Written through the first');
    expect(read.body.encryptedPayload).toEqual(body.encryptedPayload);
    expect(read.body.updatedAt).toBe(1000);
  });

  it('applies Last-Write-Wins across instances', async () => {
    await second.http.put('/vault/markdown-documents/d2').set(auth()).send(itemBody(3000)).expect(200);

    const older = await first.http.put('/vault/markdown-documents/d2').set(auth()).send(itemBody(2000));
    expect(older.status).toBe(409);
    expect(older.body.remoteUpdatedAt).toBe(3000);
  });

  it('shows deletions made on the other', async () => {
    await first.http.put('/vault/markdown-documents/d3').set(auth()).send(itemBody(1000)).expect(200);
    await second.http.delete('/vault/markdown-documents/d3').set(auth()).expect(200);

    const status = await first.http.get('/vault/sync-status').set(auth()).expect(200);
    const deletion = status.body.deletions.find((entry: { itemId: string }) => entry.itemId === 'd3');
    expect(deletion?.storeName).toBe('markdown-documents');
    await first.http.get('/vault/markdown-documents/d3').set(auth()).expect(404);
  });

  it('accepts tokens and cookies from the other', async () => {
    const login = await second.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(200);
    const cookie = refreshCookieOf(login.headers['set-cookie']);
    expect(cookie).toBeDefined();

    const refreshed = await first.http.post('/auth/refresh').set('Cookie', cookie ?? '').expect(200);
    expect(refreshed.body.user.email).toBe(account.email);
    await second.http.get('/vault/sync-status').set({ Authorization: `Bearer ${refreshed.body.token}` }).expect(200);
  });

  describe('revoked on one, rejected on the other', () => {
    /** Far above the session cache window, to bound the wait without timing it. */
    const REVOCATION_DEADLINE_MS = SESSION_STATUS_CACHE_MS * 5;

    /** Signs in through the second instance as another device, and uses the token there so that instance caches the session as active. */
    async function deviceOnSecond(owner: TestAccount): Promise<{ token: string; cookie: string }> {
      const login = await second.http.post('/auth/login').send({ email: owner.email, password: owner.password }).expect(200);
      const token: string = login.body.token;
      await second.http.get('/vault/sync-status').set({ Authorization: `Bearer ${token}` }).expect(200);
      return { token, cookie: refreshCookieOf(login.headers['set-cookie']) ?? '' };
    }

    /** Requests sync-status on the second instance until it rejects `token`, and returns that response. */
    async function waitForRejection(token: string): Promise<Response> {
      let last: Response | undefined;
      await waitFor(
        async () => {
          last = await second.http.get('/vault/sync-status').set({ Authorization: `Bearer ${token}` });
          return last.status !== 200;
        },
        () => `the second instance rejects the revoked token; last: ${last?.status} ${JSON.stringify(last?.body)}`,
        REVOCATION_DEADLINE_MS,
      );
      return last as Response;
    }

    it('DELETE /auth/sessions/:id', async () => {
      const owner = await registerAccount(first.http);
      const device = await deviceOnSecond(owner);

      const list = await first.http.get('/auth/sessions').set({ Authorization: `Bearer ${owner.token}` }).expect(200);
      const others = list.body.filter((session: { current: boolean }) => !session.current);
      expect(others).toHaveLength(1);
      await first.http.delete(`/auth/sessions/${others[0].id}`).set({ Authorization: `Bearer ${owner.token}` }).expect(200);

      const rejected = await waitForRejection(device.token);
      expect(rejected.status).toBe(401);
      expect(rejected.body.code).toBe('UNAUTHORIZED');
      const refresh = await second.http.post('/auth/refresh').set('Cookie', device.cookie);
      expect(refresh.status).toBe(401);
      await second.http.get('/vault/sync-status').set({ Authorization: `Bearer ${owner.token}` }).expect(200);
    });

    it('logout', async () => {
      const owner = await registerAccount(first.http);
      const device = await deviceOnSecond(owner);

      await first.http.post('/auth/logout').set({ Authorization: `Bearer ${device.token}` }).expect(200);

      const rejected = await waitForRejection(device.token);
      expect(rejected.status).toBe(401);
      expect(rejected.body.code).toBe('UNAUTHORIZED');
      await second.http.get('/vault/sync-status').set({ Authorization: `Bearer ${owner.token}` }).expect(200);
    });
  });
});
