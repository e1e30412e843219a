import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Types } from 'mongoose';
import * as tokenHash from '../src/auth/token-hash';
import { refreshCookieOf, registerAccount, TestAccount, uniqueEmail } from './support/accounts';
import { LogCapture } from './support/log-capture';
import { ReceivedMail, resetLinkIn, SmtpInbox } from './support/smtp-inbox';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

const FRONTEND_URL = 'http://localhost:5173/app';
const FORGOT_PASSWORD_MESSAGE = 'If an account exists for this email, a password reset link has been sent to it.';

describe('Password reset (e2e)', () => {
  let inbox: SmtpInbox;
  let testApp: TestApp;

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    // The trailing slash checks that links never contain "//reset-account".
    testApp = await createTestApp({ ...inbox.appSettings, FRONTEND_URL: `${FRONTEND_URL}/` });
  });

  afterAll(async () => {
    await testApp.close();
    await inbox.close();
  });

  /** Requests a reset link for `email` and returns the email that arrives. */
  async function requestResetEmail(email: string): Promise<ReceivedMail> {
    const alreadyReceived = inbox.messages.length;
    await testApp.http.post('/auth/forgot-password').send({ email }).expect(200);
    return inbox.waitForMessageTo(email, alreadyReceived);
  }

  async function requestResetToken(email: string): Promise<string> {
    const token = resetLinkIn(await requestResetEmail(email)).searchParams.get('token');
    if (!token) throw new Error('reset link has no token');
    return token;
  }

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  const userObjectId = (account: TestAccount) => new Types.ObjectId(account.userId);

  describe('POST /auth/forgot-password', () => {
    it('emails a reset link to the account', async () => {
      const account = await registerAccount(testApp.http);

      const alreadyReceived = inbox.messages.length;
      const response = await testApp.http.post('/auth/forgot-password').send({ email: account.email }).expect(200);
      expect(response.body).toEqual({ message: FORGOT_PASSWORD_MESSAGE });

      const message = await inbox.waitForMessageTo(account.email, alreadyReceived);
      expect(message.recipients).toEqual([account.email]);
      expect(message.subject).toBe('Reset your Tools Sync password');
      expect(message.text).toContain('within 1 hour');
      expect(message.text).toContain('erases every document');

      const link = resetLinkIn(message);
      expect(`${link.origin}${link.pathname}`).toBe(`${FRONTEND_URL}/reset-account`);
      expect(link.searchParams.get('email')).toBe(account.email);
      expect(link.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(message.html).toContain(`href="${link.href.replace(/&/g, '&amp;')}"`);
    });

    it('writes Spanish email for Accept-Language: es', async () => {
      const account = await registerAccount(testApp.http);

      const alreadyReceived = inbox.messages.length;
      const response = await testApp.http
        .post('/auth/forgot-password')
        .set('Accept-Language', 'es')
        .send({ email: account.email })
        .expect(200);
      expect(response.body).toEqual({ message: FORGOT_PASSWORD_MESSAGE });

      const message = await inbox.waitForMessageTo(account.email, alreadyReceived);
      expect(message.language).toBe('es');
      expect(message.subject).toBe('Restablece tu contraseña de Tools Sync');
      expect(message.text).toContain('Recibimos una solicitud para restablecer la contraseña');
      expect(message.text).toContain('válido durante 1 hora');
      expect(message.text).toContain('se borrarán todos los documentos sincronizados');
      expect(message.html).toContain('<div lang="es">');
      expect(message.html).toContain('Recibimos una solicitud para restablecer la contraseña');
      expect(message.html).toContain('se borrarán todos los documentos sincronizados');

      const link = resetLinkIn(message);
      expect(`${link.origin}${link.pathname}`).toBe(`${FRONTEND_URL}/reset-account`);
      expect(link.searchParams.get('email')).toBe(account.email);
      expect(message.html).toContain(`href="${link.href.replace(/&/g, '&amp;')}"`);
      await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token: link.searchParams.get('token') })
        .expect(200, { valid: true });
    });

    it('falls back to English for other languages', async () => {
      const account = await registerAccount(testApp.http);

      const alreadyReceived = inbox.messages.length;
      await testApp.http
        .post('/auth/forgot-password')
        .set('Accept-Language', 'fr-FR, fr;q=0.9')
        .send({ email: account.email })
        .expect(200);

      const message = await inbox.waitForMessageTo(account.email, alreadyReceived);
      expect(message.language).toBe('en');
      expect(message.subject).toBe('Reset your Tools Sync password');
    });

    it('stores only a hash of the token', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);

      const stored = await testApp.connection
        .collection('password_resets')
        .find({ userId: userObjectId(account) })
        .toArray();
      expect(stored).toHaveLength(1);
      expect(stored[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored[0])).not.toContain(token);
    });

    it('matches the email regardless of case and spaces', async () => {
      const account = await registerAccount(testApp.http);
      const alreadyReceived = inbox.messages.length;

      await testApp.http
        .post('/auth/forgot-password')
        .send({ email: `  ${account.email.toUpperCase()} ` })
        .expect(200);

      const link = resetLinkIn(await inbox.waitForMessageTo(account.email, alreadyReceived));
      expect(link.searchParams.get('email')).toBe(account.email);
    });

    it('URL-encodes the email in the link', async () => {
      const email = `plus+tag-${randomBytes(3).toString('hex')}@example.com`;
      await registerAccount(testApp.http, email);

      const message = await requestResetEmail(email);
      expect(message.text).toContain(`&email=${encodeURIComponent(email)}`);
      expect(resetLinkIn(message).searchParams.get('email')).toBe(email);
    });

    it('answers an unknown email like a known one', async () => {
      const account = await registerAccount(testApp.http);

      const known = await testApp.http.post('/auth/forgot-password').send({ email: account.email });
      const unknown = await testApp.http.post('/auth/forgot-password').send({ email: uniqueEmail() });

      expect(unknown.status).toBe(known.status);
      expect(unknown.body).toEqual(known.body);
      await inbox.waitForMessageTo(account.email);
    });

    it('rejects an invalid email with 422', async () => {
      const response = await testApp.http.post('/auth/forgot-password').send({ email: 'not-an-email' }).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.fields).toEqual([{ field: 'email', errors: expect.any(Array) }]);
    });

    it('replaces the earlier link of the account', async () => {
      const account = await registerAccount(testApp.http);
      const firstToken = await requestResetToken(account.email);
      const secondToken = await requestResetToken(account.email);

      await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token: firstToken })
        .expect(400);
      await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token: secondToken })
        .expect(200, { valid: true });
    });
  });

  describe('POST /auth/verify-reset-token', () => {
    it('accepts a valid token without using it', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);

      for (let attempt = 0; attempt < 2; attempt += 1) {
        await testApp.http
          .post('/auth/verify-reset-token')
          .send({ email: account.email, token })
          .expect(200, { valid: true });
      }
      const stored = await testApp.connection.collection('password_resets').countDocuments({ userId: userObjectId(account) });
      expect(stored).toBe(1);
    });

    it('rejects an unknown token with 400', async () => {
      const account = await registerAccount(testApp.http);
      await requestResetToken(account.email);

      const response = await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token: randomBytes(32).toString('base64url') })
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        code: 'INVALID_RESET_TOKEN',
        error: 'This reset link is invalid, already used or expired. Request a new one.',
        message: 'This reset link is invalid, already used or expired. Request a new one.',
      });
    });

    it('rejects an empty token with 400', async () => {
      const account = await registerAccount(testApp.http);
      const response = await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token: '' })
        .expect(400);
      expect(response.body.code).toBe('INVALID_RESET_TOKEN');
    });

    it("rejects a token sent with another account's email", async () => {
      const owner = await registerAccount(testApp.http);
      const other = await registerAccount(testApp.http);
      const token = await requestResetToken(owner.email);

      const response = await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: other.email, token })
        .expect(400);
      expect(response.body.code).toBe('INVALID_RESET_TOKEN');
    });

    it('rejects an expired token', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);
      await testApp.connection
        .collection('password_resets')
        .updateOne({ userId: userObjectId(account) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });

      const response = await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token })
        .expect(400);
      expect(response.body.code).toBe('INVALID_RESET_TOKEN');
    });

    it('rejects a missing token with 422', async () => {
      const response = await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: uniqueEmail() })
        .expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.fields.map((field: { field: string }) => field.field)).toEqual(['token']);
    });
  });

  describe('POST /auth/reset-account', () => {
    it('sets the password, erases the vault and signs in', async () => {
      const account = await registerAccount(testApp.http);
      const bystander = await registerAccount(testApp.http);
      const saltBefore = (await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(200)).body.user.vaultSalt;

      await testApp.http.put('/vault/kanban-boards/kept').set(bearer(account.token)).send(itemBody(1000)).expect(200);
      await testApp.http.put('/vault/color-palettes/gone').set(bearer(account.token)).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/color-palettes/gone').set(bearer(account.token)).expect(200);
      await testApp.http.put('/vault/kanban-boards/theirs').set(bearer(bystander.token)).send(itemBody(1000)).expect(200);

      const token = await requestResetToken(account.email);
      const newPassword = randomBytes(16).toString('hex');
      const response = await testApp.http
        .post('/auth/reset-account')
        .send({ email: account.email, token, newPassword })
        .expect(200);

      expect(response.body.user).toEqual({ id: account.userId, email: account.email, vaultSalt: saltBefore });
      expect(typeof response.body.token).toBe('string');
      const cookie = refreshCookieOf(response.headers['set-cookie']);
      expect(cookie).toBeDefined();

      const items = testApp.connection.collection('vault_items');
      expect(await items.countDocuments({ userId: userObjectId(account) })).toBe(0);
      expect(await items.countDocuments({ userId: userObjectId(bystander) })).toBe(1);
      expect(await testApp.connection.collection('password_resets').countDocuments({ userId: userObjectId(account) })).toBe(0);

      const status = await testApp.http.get('/vault/sync-status').set(bearer(response.body.token)).expect(200);
      expect(status.body).toEqual({ items: [], deletions: [] });

      await testApp.http.post('/auth/refresh').set('Cookie', cookie!).expect(200);
      await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(401);
      await testApp.http.post('/auth/login').send({ email: account.email, password: newPassword }).expect(200);
    });

    it('expires change-feed cursors from before the reset', async () => {
      const account = await registerAccount(testApp.http);
      await testApp.http.put('/vault/kanban-boards/before-reset').set(bearer(account.token)).send(itemBody(1000)).expect(200);
      const before = await testApp.http.get('/vault/changes').set(bearer(account.token)).expect(200);

      const token = await requestResetToken(account.email);
      const reset = await testApp.http
        .post('/auth/reset-account')
        .send({ email: account.email, token, newPassword: randomBytes(16).toString('hex') })
        .expect(200);

      const stale = await testApp.http
        .get(`/vault/changes?cursor=${before.body.nextCursor}`)
        .set(bearer(reset.body.token))
        .expect(410);
      expect(stale.body.code).toBe('CURSOR_EXPIRED');
      const fresh = await testApp.http.get('/vault/changes').set(bearer(reset.body.token)).expect(200);
      expect(fresh.body.changes).toEqual([]);
      await testApp.http.get(`/vault/changes?cursor=${fresh.body.nextCursor}`).set(bearer(reset.body.token)).expect(200);
    });

    it('signs out every earlier session', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);

      await testApp.http
        .post('/auth/reset-account')
        .send({ email: account.email, token, newPassword: randomBytes(16).toString('hex') })
        .expect(200);

      const refresh = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(401);
      expect(refresh.body.code).toBe('INVALID_REFRESH_TOKEN');
      const sessions = await testApp.connection
        .collection('sessions')
        .find({ userId: userObjectId(account) })
        .toArray();
      expect(sessions.filter((session) => session.revokedAt === null)).toHaveLength(1);
    });

    it('stores newVaultSalt when sent', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);
      const newVaultSalt = [...randomBytes(16)];

      const response = await testApp.http
        .post('/auth/reset-account')
        .send({ email: account.email, token, newPassword: randomBytes(16).toString('hex'), newVaultSalt })
        .expect(200);

      expect(response.body.user.vaultSalt).toEqual(newVaultSalt);
      const stored = await testApp.connection.collection('users').findOne({ _id: userObjectId(account) });
      expect(stored?.vaultSalt).toEqual(newVaultSalt);
    });

    it('accepts a token only once', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);
      const body = { email: account.email, token, newPassword: randomBytes(16).toString('hex') };

      await testApp.http.post('/auth/reset-account').send(body).expect(200);
      const second = await testApp.http
        .post('/auth/reset-account')
        .send({ ...body, newPassword: randomBytes(16).toString('hex') })
        .expect(400);
      expect(second.body.code).toBe('INVALID_RESET_TOKEN');
      await testApp.http.post('/auth/login').send({ email: account.email, password: body.newPassword }).expect(200);
    });

    it('lets one of two concurrent resets win', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);
      const passwords = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];

      const responses = await Promise.all(
        passwords.map((newPassword) =>
          testApp.http.post('/auth/reset-account').send({ email: account.email, token, newPassword }),
        ),
      );

      expect(responses.map((response) => response.status).sort()).toEqual([200, 400]);
      const winner = passwords[responses.findIndex((response) => response.status === 200)];
      await testApp.http.post('/auth/login').send({ email: account.email, password: winner }).expect(200);
    });

    it('leaves the account alone on a wrong token', async () => {
      const account = await registerAccount(testApp.http);
      await testApp.http.put('/vault/kanban-boards/b1').set(bearer(account.token)).send(itemBody(1000)).expect(200);
      await requestResetToken(account.email);

      const response = await testApp.http
        .post('/auth/reset-account')
        .send({ email: account.email, token: randomBytes(32).toString('base64url'), newPassword: 'x'.repeat(20) })
        .expect(400);

      expect(response.body.code).toBe('INVALID_RESET_TOKEN');
      expect(await testApp.connection.collection('vault_items').countDocuments({ userId: userObjectId(account) })).toBe(1);
      await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(200);
      await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
    });

    it('rejects a short new password with 422', async () => {
      const account = await registerAccount(testApp.http);
      const token = await requestResetToken(account.email);

      const response = await testApp.http
        .post('/auth/reset-account')
        .send({ email: account.email, token, newPassword: 'short' })
        .expect(422);

      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.fields.map((field: { field: string }) => field.field)).toEqual(['newPassword']);
      await testApp.http
        .post('/auth/verify-reset-token')
        .send({ email: account.email, token })
        .expect(200, { valid: true });
    });
  });
});

describe('Password reset without an account (e2e)', () => {
  it('sends no email for an unknown address', async () => {
    const inbox = await SmtpInbox.start();
    const testApp = await createTestApp(inbox.appSettings);
    const account = await registerAccount(testApp.http);
    const unknownEmail = uniqueEmail();

    await testApp.http.post('/auth/forgot-password').send({ email: unknownEmail }).expect(200);
    await testApp.http.post('/auth/forgot-password').send({ email: account.email }).expect(200);
    await inbox.waitForMessageTo(account.email);
    // Closing also waits for any request still running in the background.
    await testApp.close();
    await inbox.close();

    expect(inbox.messages.map((message) => message.recipients)).toEqual([[account.email]]);
  });
});

describe('Password reset rate limit (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ RATE_LIMIT_FORGOT_PASSWORD: '3' });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('answers the fourth request with 429', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await testApp.http.post('/auth/forgot-password').send({ email: uniqueEmail() }).expect(200);
    }

    const response = await testApp.http.post('/auth/forgot-password').send({ email: uniqueEmail() }).expect(429);
    expect(response.body.code).toBe('RATE_LIMITED');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('Password reset without SMTP (e2e)', () => {
  let outboxDir: string;
  let testApp: TestApp;
  let logs: LogCapture;

  beforeAll(async () => {
    outboxDir = await mkdtemp(join(tmpdir(), 'reset-outbox-'));
    testApp = await createTestApp({ MAIL_OUTBOX_DIR: outboxDir, FRONTEND_URL });
  });

  beforeEach(() => {
    logs = LogCapture.start();
  });

  afterEach(() => {
    logs.restore();
  });

  afterAll(async () => {
    await testApp.close();
    await rm(outboxDir, { recursive: true, force: true });
  });

  it('writes the email to the outbox', async () => {
    const account = await registerAccount(testApp.http);

    const response = await testApp.http
      .post('/auth/forgot-password')
      .set('Accept-Language', 'es-419;q=0.9, en;q=0.8')
      .send({ email: account.email })
      .expect(200);
    expect(response.body).toEqual({ message: FORGOT_PASSWORD_MESSAGE });

    const line = await logs.waitForLine(/development outbox/);
    expect(line).toContain(`user ${account.userId}`);
    const file = /development outbox file (\S+)/.exec(line)?.[1];
    expect(file).toBeDefined();
    expect(dirname(file!)).toBe(outboxDir);
    expect(line).not.toContain(account.email);

    const content = await readFile(file!, 'utf8');
    expect(content.startsWith('DEVELOPMENT OUTBOX: this email was not sent, because SMTP_HOST is unset.\n')).toBe(true);
    expect(content).toContain(`\nTo: ${account.email}\n`);
    expect(content).toContain('\nSubject: Restablece tu contraseña de Tools Sync\n');
    expect(content).toContain('\nContent-Language: es\n');
    expect(content).toContain('----- text/plain -----\n');
    expect(content).toContain('----- text/html -----\n<div lang="es">');

    const link = resetLinkIn({ text: content });
    expect(`${link.origin}${link.pathname}`).toBe(`${FRONTEND_URL}/reset-account`);
    expect(link.searchParams.get('email')).toBe(account.email);
    expect(content).toContain(`href="${link.href.replace(/&/g, '&amp;')}"`);
    const token = link.searchParams.get('token')!;
    expect(logs.text).not.toContain(token);
    expect(logs.text).not.toContain('reset-account?');

    const newPassword = randomBytes(16).toString('hex');
    await testApp.http.post('/auth/reset-account').send({ email: account.email, token, newPassword }).expect(200);
    await testApp.http.post('/auth/login').send({ email: account.email, password: newPassword }).expect(200);
  });

  it('writes nothing for an unknown email', async () => {
    const before = await readdir(outboxDir);

    await testApp.http.post('/auth/forgot-password').send({ email: uniqueEmail() }).expect(200);
    await logs.waitForLine(/unknown email/);

    expect(await readdir(outboxDir)).toEqual(before);
  });
});

describe('Password reset with SMTP down (e2e)', () => {
  let testApp: TestApp;
  let logs: LogCapture;
  let createdTokens: jest.SpyInstance<string, []>;

  beforeAll(async () => {
    // Nothing listens on a port that was just closed, so every connection is refused.
    const closedPort = await findClosedPort();
    testApp = await createTestApp({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(closedPort), FRONTEND_URL });
  });

  beforeEach(() => {
    logs = LogCapture.start();
    createdTokens = jest.spyOn(tokenHash, 'createOpaqueToken');
  });

  afterEach(() => {
    createdTokens.mockRestore();
    logs.restore();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('answers as usual and logs no secret', async () => {
    const account = await registerAccount(testApp.http);
    const tokensBefore = createdTokens.mock.results.length;

    const known = await testApp.http.post('/auth/forgot-password').send({ email: account.email });
    const unknown = await testApp.http.post('/auth/forgot-password').send({ email: uniqueEmail() });

    expect(known.status).toBe(200);
    expect(known.body).toEqual({ message: FORGOT_PASSWORD_MESSAGE });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);

    const failure = await logs.waitForLine(/password-reset email to user \S+ failed/);
    expect(failure).toMatch(/^ERROR /);
    expect(failure).toContain(`user ${account.userId}`);
    expect(failure).toContain('ECONNREFUSED');

    // The spy saw the token that was stored: its hash is in the database.
    const resetTokens = createdTokens.mock.results.slice(tokensBefore).map((result) => result.value as string);
    expect(resetTokens).toHaveLength(1);
    const stored = await testApp.connection.collection('password_resets').findOne({ userId: new Types.ObjectId(account.userId) });
    expect(stored?.tokenHash).toBe(tokenHash.hashToken(resetTokens[0]));

    expect(logs.text).not.toContain(resetTokens[0]);
    expect(logs.text).not.toContain('reset-account?');
    expect(logs.text).not.toContain(account.email);
    expect(logs.text).not.toContain(encodeURIComponent(account.email));
  });
});

async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}
