import { Types } from 'mongoose';
import { refreshCookieOf, registerAccount, TestAccount, uniqueEmail } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

const FIREFOX_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('Sessions (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function loginFrom(account: TestAccount, userAgent: string) {
    const response = await testApp.http
      .post('/auth/login')
      .set('User-Agent', userAgent)
      .send({ email: account.email, password: account.password })
      .expect(200);
    return { token: response.body.token as string, cookie: refreshCookieOf(response.headers['set-cookie'])! };
  }

  describe('GET /auth/sessions', () => {
    it('lists devices with the current one marked', async () => {
      const account = await registerAccount(testApp.http);
      const firefox = await loginFrom(account, FIREFOX_ON_WINDOWS);
      await loginFrom(account, SAFARI_ON_IPHONE);

      const response = await testApp.http.get('/auth/sessions').set(bearer(firefox.token)).expect(200);

      expect(response.body).toHaveLength(3);
      const current = response.body.filter((session: { current: boolean }) => session.current);
      expect(current).toHaveLength(1);
      expect(current[0].device).toBe('Firefox on Windows');
      expect(response.body.map((session: { device: string }) => session.device)).toContain('Mobile Safari on iOS');
      for (const session of response.body) {
        expect(Object.keys(session).sort()).toEqual(['createdAt', 'current', 'device', 'id', 'lastUsedAt']);
        expect(Types.ObjectId.isValid(session.id)).toBe(true);
        expect(Number.isNaN(Date.parse(session.createdAt))).toBe(false);
        expect(Number.isNaN(Date.parse(session.lastUsedAt))).toBe(false);
      }
    });

    it('omits revoked sessions and other accounts', async () => {
      const account = await registerAccount(testApp.http);
      const other = await registerAccount(testApp.http);
      await testApp.http.post('/auth/logout').set(bearer(other.token)).expect(200);
      const second = await loginFrom(account, FIREFOX_ON_WINDOWS);
      await testApp.http.post('/auth/logout').set(bearer(second.token)).expect(200);

      const response = await testApp.http.get('/auth/sessions').set(bearer(account.token)).expect(200);

      expect(response.body).toHaveLength(1);
      expect(response.body[0].current).toBe(true);
    });

    it('requires an access token', async () => {
      const response = await testApp.http.get('/auth/sessions').expect(401);
      expect(response.body.code).toBe('UNAUTHORIZED');
    });
  });

  describe('DELETE /auth/sessions/:id', () => {
    it('revokes access tokens and refresh cookie at once', async () => {
      const account = await registerAccount(testApp.http);
      const laptop = await loginFrom(account, FIREFOX_ON_WINDOWS);
      await testApp.http.get('/vault/sync-status').set(bearer(laptop.token)).expect(200);
      const list = await testApp.http.get('/auth/sessions').set(bearer(account.token)).expect(200);
      const laptopSession = list.body.find((session: { current: boolean }) => !session.current);

      await testApp.http
        .delete(`/auth/sessions/${laptopSession.id}`)
        .set(bearer(account.token))
        .expect(200, { message: 'Session revoked' });

      const rejected = await testApp.http.get('/vault/sync-status').set(bearer(laptop.token)).expect(401);
      expect(rejected.body.code).toBe('UNAUTHORIZED');
      const refresh = await testApp.http.post('/auth/refresh').set('Cookie', laptop.cookie).expect(401);
      expect(refresh.body.code).toBe('INVALID_REFRESH_TOKEN');
      await testApp.http.get('/vault/sync-status').set(bearer(account.token)).expect(200);
      const stored = await testApp.connection.collection('sessions').findOne({ _id: new Types.ObjectId(laptopSession.id) });
      expect(stored?.revokedAt).toBeInstanceOf(Date);
    });

    it('revoking the current session ends its token', async () => {
      const account = await registerAccount(testApp.http);
      const list = await testApp.http.get('/auth/sessions').set(bearer(account.token)).expect(200);

      await testApp.http.delete(`/auth/sessions/${list.body[0].id}`).set(bearer(account.token)).expect(200);

      await testApp.http.get('/auth/sessions').set(bearer(account.token)).expect(401);
    });

    it("returns 404 for another user's session", async () => {
      const account = await registerAccount(testApp.http);
      const other = await registerAccount(testApp.http);
      const otherList = await testApp.http.get('/auth/sessions').set(bearer(other.token)).expect(200);

      const response = await testApp.http
        .delete(`/auth/sessions/${otherList.body[0].id}`)
        .set(bearer(account.token))
        .expect(404);

      expect(response.body.code).toBe('SESSION_NOT_FOUND');
      await testApp.http.get('/auth/sessions').set(bearer(other.token)).expect(200);
    });

    it('returns 404 for unknown and malformed ids', async () => {
      const account = await registerAccount(testApp.http);
      for (const id of [new Types.ObjectId().toHexString(), 'not-an-id', '%24where']) {
        const response = await testApp.http.delete(`/auth/sessions/${id}`).set(bearer(account.token)).expect(404);
        expect(response.body.code).toBe('SESSION_NOT_FOUND');
      }
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates the cookie', async () => {
      const account = await registerAccount(testApp.http);

      const response = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);

      const rotated = refreshCookieOf(response.headers['set-cookie']);
      expect(rotated).toBeDefined();
      expect(rotated).not.toBe(account.cookie);
      expect(response.body.user).toEqual({ id: account.userId, email: account.email, vaultSalt: expect.any(Array) });
      await testApp.http.get('/vault/sync-status').set(bearer(response.body.token)).expect(200);
      await testApp.http.post('/auth/refresh').set('Cookie', rotated!).expect(200);
    });

    it('three tabs with one cookie all succeed', async () => {
      const account = await registerAccount(testApp.http);

      const responses = await Promise.all(
        [1, 2, 3].map(() => testApp.http.post('/auth/refresh').set('Cookie', account.cookie)),
      );

      for (const response of responses) {
        expect(response.status).toBe(200);
        await testApp.http.get('/vault/sync-status').set(bearer(response.body.token)).expect(200);
      }
      const newCookies = responses.map((response) => refreshCookieOf(response.headers['set-cookie'])).filter(Boolean);
      expect(newCookies).toHaveLength(1);
      await testApp.http.post('/auth/refresh').set('Cookie', newCookies[0]!).expect(200);
    });

    it('rotated token within grace window keeps session', async () => {
      const account = await registerAccount(testApp.http);
      const first = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);

      const late = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);

      expect(refreshCookieOf(late.headers['set-cookie'])).toBeUndefined();
      await testApp.http
        .post('/auth/refresh')
        .set('Cookie', refreshCookieOf(first.headers['set-cookie'])!)
        .expect(200);
    });

    it('rotated token after grace window revokes session', async () => {
      const account = await registerAccount(testApp.http);
      const first = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
      const currentCookie = refreshCookieOf(first.headers['set-cookie'])!;
      await moveRotationBack(account.userId, 31_000);

      const reused = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(401);

      expect(reused.body.code).toBe('INVALID_REFRESH_TOKEN');
      const refresh = await testApp.http.post('/auth/refresh').set('Cookie', currentCookie).expect(401);
      expect(refresh.body.code).toBe('INVALID_REFRESH_TOKEN');
      await testApp.http.get('/vault/sync-status').set(bearer(first.body.token)).expect(401);
      const stored = await testApp.connection
        .collection('sessions')
        .findOne({ userId: new Types.ObjectId(account.userId) });
      expect(stored?.revokedAt).toBeInstanceOf(Date);
    });

    it('token two rotations old revokes session', async () => {
      const account = await registerAccount(testApp.http);
      const first = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
      await moveRotationBack(account.userId, 31_000);
      const second = await testApp.http
        .post('/auth/refresh')
        .set('Cookie', refreshCookieOf(first.headers['set-cookie'])!)
        .expect(200);

      await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(401);

      await testApp.http.get('/vault/sync-status').set(bearer(second.body.token)).expect(401);
    });

    it('token two quick rotations old still works', async () => {
      const account = await registerAccount(testApp.http);
      const first = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
      await testApp.http
        .post('/auth/refresh')
        .set('Cookie', refreshCookieOf(first.headers['set-cookie'])!)
        .expect(200);

      const late = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);

      await testApp.http.get('/vault/sync-status').set(bearer(late.body.token)).expect(200);
    });

    it('rejects a missing or unknown cookie', async () => {
      const missing = await testApp.http.post('/auth/refresh').expect(401);
      expect(missing.body.code).toBe('INVALID_REFRESH_TOKEN');
      const unknown = await testApp.http.post('/auth/refresh').set('Cookie', 'refreshToken=unknown').expect(401);
      expect(unknown.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    /** Moves every past rotation of the user's sessions back in time, as if that much time had passed. */
    async function moveRotationBack(userId: string, milliseconds: number): Promise<void> {
      const sessions = testApp.connection.collection('sessions');
      for (const session of await sessions.find({ userId: new Types.ObjectId(userId) }).toArray()) {
        const retiredTokens = (session.retiredTokens as { hash: string; retiredAt: Date }[]).map((token) => ({
          hash: token.hash,
          retiredAt: new Date(token.retiredAt.getTime() - milliseconds),
        }));
        await sessions.updateOne({ _id: session._id }, { $set: { retiredTokens } });
      }
    }
  });

  describe('POST /auth/change-password', () => {
    it('revokes other sessions and reissues this one', async () => {
      const account = await registerAccount(testApp.http);
      const laptop = await loginFrom(account, FIREFOX_ON_WINDOWS);
      const newPassword = 'n'.repeat(32);

      const response = await testApp.http
        .post('/auth/change-password')
        .set(bearer(account.token))
        .set('Cookie', account.cookie)
        .send({ currentPassword: account.password, newPassword })
        .expect(200);

      expect(response.body.message).toBe('Password changed');
      expect(response.body.user.id).toBe(account.userId);
      const newCookie = refreshCookieOf(response.headers['set-cookie']);
      expect(newCookie).toBeDefined();
      expect(newCookie).not.toBe(account.cookie);

      await testApp.http.get('/vault/sync-status').set(bearer(response.body.token)).expect(200);
      await testApp.http.get('/vault/sync-status').set(bearer(account.token)).expect(200);
      await testApp.http.get('/vault/sync-status').set(bearer(laptop.token)).expect(401);
      await testApp.http.post('/auth/refresh').set('Cookie', laptop.cookie).expect(401);
      await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(401);
      await testApp.http.post('/auth/refresh').set('Cookie', newCookie!).expect(200);
      const sessions = await testApp.http.get('/auth/sessions').set(bearer(response.body.token)).expect(200);
      expect(sessions.body).toHaveLength(1);

      await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(401);
      await testApp.http.post('/auth/login').send({ email: account.email, password: newPassword }).expect(200);
    });

    it('wrong current password keeps every session', async () => {
      const account = await registerAccount(testApp.http);
      const laptop = await loginFrom(account, FIREFOX_ON_WINDOWS);

      const response = await testApp.http
        .post('/auth/change-password')
        .set(bearer(account.token))
        .send({ currentPassword: 'w'.repeat(32), newPassword: 'n'.repeat(32) })
        .expect(403);

      expect(response.body.code).toBe('INVALID_CURRENT_PASSWORD');
      await testApp.http.get('/vault/sync-status').set(bearer(laptop.token)).expect(200);
    });
  });

  describe('DELETE /auth/account', () => {
    it('removes user, sessions, items and tombstones', async () => {
      const account = await registerAccount(testApp.http);
      const other = await registerAccount(testApp.http);
      const laptop = await loginFrom(account, FIREFOX_ON_WINDOWS);
      await testApp.http.put('/vault/kanban-boards/kept').set(bearer(account.token)).send(itemBody(1000)).expect(200);
      await testApp.http.put('/vault/kanban-boards/gone').set(bearer(account.token)).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/kanban-boards/gone').set(bearer(account.token)).expect(200);
      await testApp.http.put('/vault/kanban-boards/other').set(bearer(other.token)).send(itemBody(1000)).expect(200);

      const response = await testApp.http
        .delete('/auth/account')
        .set(bearer(account.token))
        .set('Cookie', account.cookie)
        .send({ currentPassword: account.password })
        .expect(200);

      expect(response.body).toEqual({ message: 'Account deleted' });
      expect(response.headers['set-cookie']?.[0]).toMatch(/^refreshToken=;/);
      const owner = new Types.ObjectId(account.userId);
      expect(await testApp.connection.collection('users').countDocuments({ _id: owner })).toBe(0);
      expect(await testApp.connection.collection('sessions').countDocuments({ userId: owner })).toBe(0);
      expect(await testApp.connection.collection('vault_items').countDocuments({ userId: owner })).toBe(0);
      const othersItems = await testApp.connection
        .collection('vault_items')
        .countDocuments({ userId: new Types.ObjectId(other.userId) });
      expect(othersItems).toBe(1);
      await testApp.http.get('/vault/sync-status').set(bearer(laptop.token)).expect(401);
      await testApp.http.post('/auth/refresh').set('Cookie', laptop.cookie).expect(401);
      await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(401);
    });

    it('wrong password returns 403 and keeps data', async () => {
      const account = await registerAccount(testApp.http);
      await testApp.http.put('/vault/kanban-boards/b1').set(bearer(account.token)).send(itemBody(1000)).expect(200);

      const response = await testApp.http
        .delete('/auth/account')
        .set(bearer(account.token))
        .send({ currentPassword: 'w'.repeat(32) })
        .expect(403);

      expect(response.body.code).toBe('INVALID_CURRENT_PASSWORD');
      await testApp.http.get('/vault/kanban-boards/b1').set(bearer(account.token)).expect(200);
    });

    it('missing password returns 422', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http.delete('/auth/account').set(bearer(account.token)).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('email can register again afterwards', async () => {
      const email = uniqueEmail();
      const account = await registerAccount(testApp.http, email);
      await testApp.http
        .delete('/auth/account')
        .set(bearer(account.token))
        .send({ currentPassword: account.password })
        .expect(200);

      await registerAccount(testApp.http, email);
    });
  });
});
