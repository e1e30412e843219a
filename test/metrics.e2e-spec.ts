import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics-server';
import { registerAccount, TestAccount } from './support/accounts';
import { freePort } from './support/free-port';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

/** Returns the value of the sample of `name` whose labels include all of `labels`, or undefined. */
function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const expected = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (expected.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return undefined;
}

describe('Metrics (e2e)', () => {
  let testApp: TestApp;
  let account: TestAccount;
  let metricsUrl: string;

  beforeAll(async () => {
    testApp = await createTestApp({ METRICS_PORT: String(await freePort()), RATE_LIMIT_AUTH: '2' });
    metricsUrl = testApp.app.get(MetricsServer).url ?? '';
    account = await registerAccount(testApp.http);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${account.token}` });
  const scrape = async () => {
    const response = await request(metricsUrl).get('').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    return response.text;
  };

  it('listens on its own port only', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(metricsUrl).not.toContain(`:${new URL(testApp.baseUrl).port}/`);
    const onApiPort = await testApp.http.get('/metrics');
    expect(onApiPort.status).toBe(404);
  });

  it('counts requests by route pattern', async () => {
    await testApp.http.put('/vault/kanban-boards/m1').set(auth()).send(itemBody(1000)).expect(200);
    await testApp.http.get('/vault/kanban-boards/m1').set(auth()).expect(200);
    await testApp.http.get('/vault/kanban-boards/missing').set(auth()).expect(404);
    await testApp.http.post('/no/such/route').expect(404);

    const text = await scrape();
    const route = '/vault/:store/:itemId';
    expect(sampleValue(text, 'http_requests_total', { method: 'PUT', route, status: '200' })).toBe(1);
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route, status: '200' })).toBe(1);
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route, status: '404' })).toBe(1);
    expect(sampleValue(text, 'http_requests_total', { method: 'POST', route: 'unmatched', status: '404' })).toBe(1);
    expect(sampleValue(text, 'http_request_duration_seconds_count', { method: 'PUT', route, status: '200' })).toBe(1);
    expect(sampleValue(text, 'http_request_duration_seconds_bucket', { method: 'PUT', route, le: '+Inf' })).toBe(1);
    expect(text).not.toContain('/vault/kanban-boards/m1');
    expect(text).not.toContain('/no/such/route');
  });

  it('counts vault sync operations', async () => {
    await testApp.http.put('/vault/svg-projects/s1').set(auth()).send(itemBody(2000)).expect(200);
    await testApp.http.put('/vault/svg-projects/s1').set(auth()).send(itemBody(1000)).expect(409);
    await testApp.http.delete('/vault/svg-projects/s1').set(auth()).expect(200);
    await testApp.http.delete('/vault/svg-projects/s1').set(auth()).expect(404);
    await testApp.http
      .post('/vault/batch-push')
      .set(auth())
      .send({ items: [{ storeName: 'svg-projects', itemId: 'b1', ...itemBody(3000) }, { storeName: 'svg-projects' }] })
      .expect(200);
    await testApp.http
      .post('/vault/batch-pull')
      .set(auth())
      .send({ items: [{ storeName: 'svg-projects', itemId: 'b1' }, { storeName: 'svg-projects', itemId: 'absent' }] })
      .expect(200);

    const text = await scrape();
    const count = (operation: string, result: string) =>
      sampleValue(text, 'vault_sync_operations_total', { operation, result });
    expect(count('put', 'stored')).toBe(2);
    expect(count('put', 'conflict')).toBe(1);
    expect(count('delete', 'deleted')).toBe(1);
    expect(count('delete', 'not_found')).toBe(1);
    expect(count('batch_push', 'stored')).toBe(1);
    expect(count('batch_push', 'invalid')).toBe(1);
    expect(count('batch_pull', 'found')).toBe(1);
    expect(count('batch_pull', 'not_found')).toBe(1);
  });

  it('counts rate-limit rejections', async () => {
    // Registration used one of the two auth requests allowed.
    await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(200);
    await testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(429);

    const text = await scrape();
    expect(sampleValue(text, 'rate_limit_rejections_total', { route: '/auth/login' })).toBe(1);
    expect(sampleValue(text, 'http_requests_total', { route: '/auth/login', status: '429' })).toBe(1);
  });

  it('includes process metrics', async () => {
    const text = await scrape();
    expect(sampleValue(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('is off without METRICS_PORT', async () => {
    const plain = await createTestApp();
    try {
      expect(plain.app.get(MetricsServer).url).toBeUndefined();
      await plain.http.get('/metrics').expect(404);
    } finally {
      await plain.close();
    }
  });
});
