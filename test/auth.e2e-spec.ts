import { JwtService } from '@nestjs/jwt';
import { refreshCookieOf, registerAccount, uniqueEmail } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';

const VAULT_SALT = [12, 200, 7, 99, 1, 0, 255, 34, 18, 77, 5, 140, 61, 222, 9, 3];

function cookieAttributes(setCookie: string[] | string | undefined): string {
  const header = [setCookie ?? []].flat().find((value) => value.startsWith('refreshToken='));
  if (!header) throw new Error('no refreshToken cookie was set');
  return header;
}

describe('Auth (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('POST /auth/register', () => {
    it('returns token, user and a refresh cookie', async () => {
      const email = uniqueEmail();
      const response = await testApp.http
        .post('/auth/register')
        .send({ email, password: 'derived-key-0001', vaultSalt: VAULT_SALT })
        .expect(201);

      expect(typeof response.body.token).toBe('string');
      expect(response.body.user).toEqual({ id: expect.any(String), email, vaultSalt: VAULT_SALT });
      expect(Object.keys(response.body).sort()).toEqual(['token', 'user']);
      const cookie = cookieAttributes(response.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Max-Age=604800/);
      expect(cookie).not.toMatch(/Secure/);
    });

    it('stores a bcrypt hash, never the password', async () => {
      const email = uniqueEmail();
      await testApp.http.post('/auth/register').send({ email, password: 'derived-key-0002' }).expect(201);

      const stored = await testApp.connection.collection('users').findOne({ email });
      expect(stored?.passwordHash).toMatch(/^\$2b\$04\$/);
      expect(JSON.stringify(stored)).not.toContain('derived-key-0002');
    });

    it('generates a 16-byte vault salt when none is sent', async () => {
      const response = await testApp.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: 'derived-key-0003' })
        .expect(201);

      expect(response.body.user.vaultSalt).toHaveLength(16);
      for (const value of response.body.user.vaultSalt) {
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(255);
      }
    });

    it('normalises the email to lower case', async () => {
      const email = uniqueEmail();
      const response = await testApp.http
        .post('/auth/register')
        .send({ email: `  ${email.toUpperCase()} `, password: 'derived-key-0004' })
        .expect(201);

      expect(response.body.user.email).toBe(email);
    });

    it('answers 409 EMAIL_TAKEN for an existing email', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http
        .post('/auth/register')
        .send({ email: account.email.toUpperCase(), password: 'another-key-0001' })
        .expect(409);

      expect(response.body).toEqual({
        statusCode: 409,
        code: 'EMAIL_TAKEN',
        error: 'An account with this email already exists',
        message: 'An account with this email already exists',
      });
    });

    it.each([
      ['short password', { email: 'a@example.com', password: 'short' }, 'password'],
      ['invalid email', { email: 'not-an-email', password: 'long-enough-key' }, 'email'],
      ['missing password', { email: 'a@example.com' }, 'password'],
      ['salt of 15 numbers', { email: 'a@example.com', password: 'long-enough-key', vaultSalt: VAULT_SALT.slice(1) }, 'vaultSalt'],
      ['salt number over 255', { email: 'a@example.com', password: 'long-enough-key', vaultSalt: [...VAULT_SALT.slice(1), 256] }, 'vaultSalt'],
      ['unknown field', { email: 'a@example.com', password: 'long-enough-key', admin: true }, 'admin'],
    ])('answers 422 for %s', async (_case, body, field) => {
      const response = await testApp.http.post('/auth/register').send(body).expect(422);

      expect(response.body.statusCode).toBe(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.error).toBe(response.body.message);
      expect(response.body.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    });
  });

  describe('POST /auth/login', () => {
    it('returns the same shape as register, with a new session', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http
        .post('/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200);

      expect(response.body.user).toEqual({ id: account.userId, email: account.email, vaultSalt: expect.any(Array) });
      expect(typeof response.body.token).toBe('string');
      expect(refreshCookieOf(response.headers['set-cookie'])).not.toBe(account.cookie);
    });

    it('answers the same 401 for a wrong password and an unknown email', async () => {
      const account = await registerAccount(testApp.http);
      const wrongPassword = await testApp.http
        .post('/auth/login')
        .send({ email: account.email, password: 'wrong-password-1' })
        .expect(401);
      const unknownEmail = await testApp.http
        .post('/auth/login')
        .send({ email: uniqueEmail(), password: 'wrong-password-1' })
        .expect(401);

      const expected = {
        statusCode: 401,
        code: 'INVALID_CREDENTIALS',
        error: 'Invalid credentials',
        message: 'Invalid credentials',
      };
      expect(wrongPassword.body).toEqual(expected);
      expect(unknownEmail.body).toEqual(expected);
    });

    it('keeps the first device signed in after a second login', async () => {
      const account = await registerAccount(testApp.http);
      await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(200);

      const refreshed = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
      expect(refreshed.body.user.id).toBe(account.userId);
      expect(await testApp.connection.collection('sessions').countDocuments({ revokedAt: null })).toBeGreaterThan(1);
    });
  });

  describe('POST /auth/refresh', () => {
    it('returns token and user and rotates the cookie', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);

      expect(response.body.user).toEqual({ id: account.userId, email: account.email, vaultSalt: expect.any(Array) });
      const rotated = refreshCookieOf(response.headers['set-cookie']);
      expect(rotated).toBeDefined();
      expect(rotated).not.toBe(account.cookie);

      await testApp.http.post('/auth/refresh').set('Cookie', rotated!).expect(200);
    });

    it('returns an access token that works on the vault', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);

      await testApp.http.get('/vault/kanban-boards').set('Authorization', `Bearer ${response.body.token}`).expect(200, []);
    });

    it('stores only a hash of the refresh token', async () => {
      const account = await registerAccount(testApp.http);
      const token = account.cookie.split('=')[1];

      const sessions = await testApp.connection.collection('sessions').find({}).toArray();
      expect(JSON.stringify(sessions)).not.toContain(token);
    });

    it('lets tabs that refresh at once all succeed', async () => {
      const account = await registerAccount(testApp.http);
      const responses = await Promise.all(
        [1, 2, 3].map(() => testApp.http.post('/auth/refresh').set('Cookie', account.cookie)),
      );

      expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
      const newCookies = responses.map((response) => refreshCookieOf(response.headers['set-cookie'])).filter(Boolean);
      expect(newCookies).toHaveLength(1);
      await testApp.http.post('/auth/refresh').set('Cookie', newCookies[0]!).expect(200);
    });

    it.each([
      ['no cookie', undefined],
      ['an unknown token', 'refreshToken=not-a-real-token'],
    ])('answers 401 INVALID_REFRESH_TOKEN with %s', async (_case, cookie) => {
      const call = testApp.http.post('/auth/refresh');
      if (cookie) call.set('Cookie', cookie);
      const response = await call.expect(401);

      expect(response.body.code).toBe('INVALID_REFRESH_TOKEN');
      expect(response.body.error).toBe(response.body.message);
    });
  });

  describe('POST /auth/change-password', () => {
    it('changes the password and keeps the vault salt when none is sent', async () => {
      const account = await registerAccount(testApp.http);
      const before = await testApp.connection.collection('users').findOne({ email: account.email });

      const response = await testApp.http
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${account.token}`)
        .send({ currentPassword: account.password, newPassword: 'brand-new-key-01' })
        .expect(200);

      expect(response.body).toEqual({
        message: 'Password changed',
        token: expect.any(String),
        user: { id: account.userId, email: account.email, vaultSalt: before?.vaultSalt },
      });
      await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(401);
      const login = await testApp.http
        .post('/auth/login')
        .send({ email: account.email, password: 'brand-new-key-01' })
        .expect(200);
      expect(login.body.user.vaultSalt).toEqual(before?.vaultSalt);
    });

    it('stores newVaultSalt when sent', async () => {
      const account = await registerAccount(testApp.http);
      await testApp.http
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${account.token}`)
        .send({ currentPassword: account.password, newPassword: 'brand-new-key-02', newVaultSalt: VAULT_SALT })
        .expect(200);

      const stored = await testApp.connection.collection('users').findOne({ email: account.email });
      expect(stored?.vaultSalt).toEqual(VAULT_SALT);
    });

    it('answers 403 for wrong current password', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${account.token}`)
        .send({ currentPassword: 'not-the-password', newPassword: 'brand-new-key-03' })
        .expect(403);

      expect(response.body.code).toBe('INVALID_CURRENT_PASSWORD');
    });

    it('requires a bearer token', async () => {
      const response = await testApp.http
        .post('/auth/change-password')
        .send({ currentPassword: 'whatever-123', newPassword: 'brand-new-key-04' })
        .expect(401);

      expect(response.body.code).toBe('UNAUTHORIZED');
    });
  });

  describe('POST /auth/logout', () => {
    it('clears the cookie and ends the session', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http
        .post('/auth/logout')
        .set('Authorization', `Bearer ${account.token}`)
        .set('Cookie', account.cookie)
        .expect(200);

      expect(response.body).toEqual({ message: 'Logged out' });
      const cleared = cookieAttributes(response.headers['set-cookie']);
      expect(cleared).toMatch(/^refreshToken=;/);
      expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
      await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(401);
    });

    it('leaves other devices signed in', async () => {
      const account = await registerAccount(testApp.http);
      const otherDevice = await testApp.http
        .post('/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200);

      await testApp.http
        .post('/auth/logout')
        .set('Authorization', `Bearer ${account.token}`)
        .set('Cookie', account.cookie)
        .expect(200);

      await testApp.http
        .post('/auth/refresh')
        .set('Cookie', refreshCookieOf(otherDevice.headers['set-cookie'])!)
        .expect(200);
    });
  });

  describe('access tokens', () => {
    it('carry the user id and a session id, valid for 15 minutes', async () => {
      const account = await registerAccount(testApp.http);
      const claims = new JwtService().decode(account.token);

      expect(claims.sub).toBe(account.userId);
      expect(typeof claims.sid).toBe('string');
      expect(claims.exp - claims.iat).toBe(900);
    });

    it('answer 401 TOKEN_EXPIRED once expired', async () => {
      const account = await registerAccount(testApp.http);
      const claims = new JwtService().decode(account.token);
      const jwt = testApp.app.get(JwtService);
      // Issued 16 minutes ago with the app's own 15-minute lifetime.
      const issuedAt = Math.floor(Date.now() / 1000) - 16 * 60;
      const expired = await jwt.signAsync({ sub: claims.sub, sid: claims.sid, iat: issuedAt });

      const response = await testApp.http.get('/vault/kanban-boards').set('Authorization', `Bearer ${expired}`).expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        code: 'TOKEN_EXPIRED',
        error: 'Access token expired',
        message: 'Access token expired',
      });
    });

    it.each([
      ['a malformed token', 'Bearer not.a.jwt'],
      ['a token signed with another secret', `Bearer ${new JwtService({ secret: 'x'.repeat(40) }).sign({ sub: 'a', sid: 'b' })}`],
      ['no token', undefined],
    ])('answer 401 UNAUTHORIZED for %s', async (_case, header) => {
      const call = testApp.http.get('/vault/kanban-boards');
      if (header) call.set('Authorization', header);
      const response = await call.expect(401);

      expect(response.body.code).toBe('UNAUTHORIZED');
    });
  });
});

describe('Auth cookie in production (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({
      NODE_ENV: 'production',
      MONGODB_URI: process.env.MONGODB_URI ?? '',
      JWT_ACCESS_SECRET: 'kT9v2LqXw8Rz4Ny6Bm1Hc3Jd5Fg7Ps0Ua8Ve2Wi4Xo6Yq',
      BCRYPT_ROUNDS: '12',
      SMTP_HOST: '127.0.0.1',
      SMTP_FROM: 'Tools Sync <no-reply@example.com>',
      CORS_ORIGIN: 'http://localhost:5173',
      FRONTEND_URL: 'http://localhost:5173',
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('is Secure and SameSite=Strict', async () => {
    const response = await testApp.http
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: 'derived-key-0005' })
      .expect(201);

    const cookie = cookieAttributes(response.headers['set-cookie']);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/HttpOnly/);
  });
});
