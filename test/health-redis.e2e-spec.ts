import { randomBytes } from 'node:crypto';
import { registerAccount } from './support/accounts';
import { pollUntilStatus } from './support/poll';
import { PrivateRedis, startPrivateRedis } from './support/private-redis';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

// REDIS_URL only gates this file. Its tests stop and restart a redis-server of their own, because
// stopping the shared one would break other test files. .ci/run installs redis-server and sets REDIS_URL.
const describeWithRedis = process.env.REDIS_URL ? describe : describe.skip;

if (!process.env.REDIS_URL) {
  console.warn('Skipping the Redis readiness test: REDIS_URL is not set.');
}

describeWithRedis('Health with Redis (e2e)', () => {
  let redis: PrivateRedis;
  let testApp: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    testApp = await createTestApp({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
      // A limit far above what the test sends, so every request updates a counter in Redis.
      RATE_LIMIT_API: '1000',
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await redis?.destroy();
  });

  it('ready reports Redis up', async () => {
    const response = await testApp.http.get('/health/ready').expect(200);
    expect(response.body.info.mongodb.status).toBe('up');
    expect(response.body.info.redis.status).toBe('up');
  });

  it('ready returns 503 while Redis is down, then recovers', async () => {
    const account = await registerAccount(testApp.http);
    const auth = { Authorization: `Bearer ${account.token}` };
    const body = itemBody(1000, 'Before the Redis outage');
    await testApp.http.put('/vault/kanban-boards/r1').set(auth).send(body).expect(200);

    await redis.stop();

    const notReady = await pollUntilStatus(testApp.http, '/health/ready', 503);
    expect(notReady.body.statusCode).toBe(503);
    expect(notReady.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(notReady.body.error).toContain('redis');
    expect(notReady.body.error).not.toContain('mongodb');
    expect(notReady.body.details.redis.status).toBe('down');
    expect(notReady.body.details.mongodb.status).toBe('up');
    await testApp.http.get('/health/live').expect(200);

    await redis.start();

    const ready = await pollUntilStatus(testApp.http, '/health/ready', 200);
    expect(ready.body.info.redis.status).toBe('up');
    const stored = await testApp.http.get('/vault/kanban-boards/r1').set(auth).expect(200);
    expect(stored.body.itemName).toBe('Before the Redis outage');
    expect(stored.body.encryptedPayload).toEqual(body.encryptedPayload);
  });

  it('vault requests get 503 while Redis is down', async () => {
    const account = await registerAccount(testApp.http);
    const auth = { Authorization: `Bearer ${account.token}` };

    await redis.stop();
    try {
      const read = await testApp.http.get('/vault/sync-status').set(auth);
      expect(read.status).toBe(503);
      expect(read.body.statusCode).toBe(503);
      expect(read.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(read.body.error).toBe('The rate-limit store is unreachable. Try again later.');
      expect(read.body.message).toBe(read.body.error);

      const write = await testApp.http.put('/vault/kanban-boards/r2').set(auth).send(itemBody(2000));
      expect(write.status).toBe(503);
      expect(write.body.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await redis.start();
    }

    await pollUntilStatus(testApp.http, '/health/ready', 200);
    await testApp.http.get('/vault/kanban-boards/r2').set(auth).expect(404);
    await testApp.http.get('/vault/sync-status').set(auth).expect(200);
  });
});
