import { registerAccount } from './support/accounts';
import { pollUntilStatus } from './support/poll';
import { PrivateDatabase, startPrivateDatabase } from './support/private-database';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

describe('Health (e2e)', () => {
  describe('with a database that goes down and comes back', () => {
    let database: PrivateDatabase;
    let testApp: TestApp;

    beforeAll(async () => {
      database = await startPrivateDatabase();
      testApp = await createTestApp({ MONGODB_URI: database.uri });
    });

    afterAll(async () => {
      await testApp?.close();
      await database?.destroy();
    });

    it('live returns 200 without a token', async () => {
      const response = await testApp.http.get('/health/live').expect(200);
      expect(response.body.status).toBe('ok');
      expect(response.headers['cache-control']).toContain('no-store');
    });

    it('ready returns 200 while MongoDB answers', async () => {
      const response = await testApp.http.get('/health/ready').expect(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.info.mongodb.status).toBe('up');
      expect(response.body.info.redis).toBeUndefined();
    });

    it('ready returns 503 while down, then recovers', async () => {
      const account = await registerAccount(testApp.http);
      const auth = { Authorization: `Bearer ${account.token}` };
      const body = itemBody(1000, 'Before the outage');
      await testApp.http.put('/vault/kanban-boards/b1').set(auth).send(body).expect(200);

      await database.stop();

      const notReady = await pollUntilStatus(testApp.http, '/health/ready', 503);
      expect(notReady.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(notReady.body.error).toContain('mongodb');
      expect(notReady.body.details.mongodb.status).toBe('down');
      const live = await testApp.http.get('/health/live');
      expect(live.status).toBe(200);
      const read = await testApp.http.get('/vault/kanban-boards/b1').set(auth);
      expect(read.status).toBe(503);
      expect(read.body.code).toBe('SERVICE_UNAVAILABLE');

      await database.start();

      const ready = await pollUntilStatus(testApp.http, '/health/ready', 200);
      expect(ready.body.info.mongodb.status).toBe('up');
      const stored = await testApp.http.get('/vault/kanban-boards/b1').set(auth).expect(200);
      expect(stored.body.itemName).toBe('Before the outage');
      expect(stored.body.encryptedPayload).toEqual(body.encryptedPayload);
    });
  });

  describe('probes and rate limits', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ RATE_LIMIT_API: '2' });
    });

    afterAll(async () => {
      await testApp?.close();
    });

    it('probes are never rate limited', async () => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await testApp.http.get('/health/live').expect(200);
        await testApp.http.get('/health/ready').expect(200);
      }
      await testApp.http.get('/').expect(200);
      await testApp.http.get('/').expect(200);
      const limited = await testApp.http.get('/');
      expect(limited.status).toBe(429);
    });

    it('probes are in the API docs', async () => {
      const response = await testApp.http.get('/docs-json').expect(200);
      expect(response.body.paths['/health/live'].get).toBeDefined();
      expect(response.body.paths['/health/ready'].get.responses['503']).toBeDefined();
    });
  });
});
