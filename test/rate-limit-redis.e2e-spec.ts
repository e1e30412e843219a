import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { uniqueEmail } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';

const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

if (!redisUrl) {
  // Printed so a skipped run is visible; .ci/run starts Redis and sets REDIS_URL.
  console.warn('Skipping the Redis rate-limit test: REDIS_URL is not set.');
}

describeWithRedis('Rate limits in Redis (e2e)', () => {
  const keyPrefix = `test-${randomBytes(4).toString('hex')}:`;
  const apps: TestApp[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    const settings = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: keyPrefix, RATE_LIMIT_AUTH: '4' };
    apps.push(await createTestApp(settings), await createTestApp(settings));
  });

  afterAll(async () => {
    await Promise.all(apps.map((testApp) => testApp.close()));
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const failedLogin = (testApp: TestApp) =>
    testApp.http.post('/auth/login').send({ email: uniqueEmail(), password: 'wrong-password-0123' });

  it('two instances share one budget', async () => {
    const [first, second] = apps;

    expect((await failedLogin(first)).status).toBe(401);
    expect((await failedLogin(second)).status).toBe(401);
    expect((await failedLogin(first)).status).toBe(401);
    expect((await failedLogin(second)).status).toBe(401);

    const blockedOnFirst = await failedLogin(first);
    expect(blockedOnFirst.status).toBe(429);
    expect(blockedOnFirst.body.code).toBe('RATE_LIMITED');
    expect(Number(blockedOnFirst.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const blockedOnSecond = await failedLogin(second);
    expect(blockedOnSecond.status).toBe(429);
  });

  it('counters live under the key prefix', async () => {
    const keys = await redis.keys(`${keyPrefix}*`);

    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((key) => key.includes('auth'))).toBe(true);
    expect(keys.some((key) => key.includes('127.0.0.1'))).toBe(false);
  });

  it('another prefix has its own budget', async () => {
    const other = await createTestApp({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `${keyPrefix}other-`, RATE_LIMIT_AUTH: '4' });
    apps.push(other);

    expect((await failedLogin(other)).status).toBe(401);
  });
});
