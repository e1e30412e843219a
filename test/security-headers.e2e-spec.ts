import { createTestApp, TestApp } from './support/test-app';

const CLIENT_ORIGIN = 'http://localhost:5173';

describe('Security headers and CORS (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ CORS_ORIGIN: CLIENT_ORIGIN });
  });

  afterAll(async () => {
    await testApp.close();
  });

  function expectCommonHeaders(headers: Record<string, string>): void {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-powered-by']).toBeUndefined();
  }

  it('API route gets the strict policy', async () => {
    const response = await testApp.http.get('/').expect(200);

    expectCommonHeaders(response.headers);
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('data:');
    expect(csp).not.toMatch(/https?:/);
  });

  it('error responses carry the headers', async () => {
    const malformed = await testApp.http
      .post('/auth/login')
      .set('Origin', CLIENT_ORIGIN)
      .set('Content-Type', 'application/json')
      .send('{')
      .expect(400);
    expectCommonHeaders(malformed.headers);
    expect(malformed.headers['content-security-policy']).toContain("default-src 'self'");
    expect(malformed.headers['access-control-allow-origin']).toBe(CLIENT_ORIGIN);

    const unauthorized = await testApp.http.get('/vault/sync-status').expect(401);
    expectCommonHeaders(unauthorized.headers);
  });

  it('Swagger UI still serves', async () => {
    const page = await testApp.http.get('/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
    expectCommonHeaders(page.headers);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);

    const script = await testApp.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(script.text).toContain('SwaggerUIBundle');
    const json = await testApp.http.get('/docs-json').expect(200);
    expect(json.body.info.title).toBe('Tools Sync API');
    expect(json.headers['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('preflight allows the client origin with credentials', async () => {
    const response = await testApp.http
      .options('/vault/kanban-boards/b1')
      .set('Origin', CLIENT_ORIGIN)
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(CLIENT_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-allow-methods']).toContain('PUT');
    expect(response.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('simple request echoes the client origin', async () => {
    const response = await testApp.http.get('/').set('Origin', CLIENT_ORIGIN).expect(200);

    expect(response.headers['access-control-allow-origin']).toBe(CLIENT_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  it('other origins get no CORS grant', async () => {
    const preflight = await testApp.http
      .options('/auth/login')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).not.toBe('https://evil.example');
    expect(preflight.headers['access-control-allow-origin']).not.toBe('*');

    const simple = await testApp.http.get('/').set('Origin', 'https://evil.example').expect(200);
    expect(simple.headers['access-control-allow-origin']).not.toBe('https://evil.example');
    expect(simple.headers['access-control-allow-origin']).not.toBe('*');
  });
});
