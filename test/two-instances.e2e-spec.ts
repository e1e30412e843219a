import { randomBytes } from 'node:crypto';
import { refreshCookieOf, registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp, uniqueDatabaseName } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

/**
 * Two instances behind one load balancer share only the database and the
 * JWT secret, so any request may land on either of them.
 */
describe('Two instances, one database (e2e)', () => {
  let first: TestApp;
  let second: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    const shared = { MONGODB_DB_NAME: uniqueDatabaseName(), JWT_ACCESS_SECRET: randomBytes(48).toString('base64') };
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
});
