import { registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';

const ENVELOPE_KEYS = ['code', 'error', 'message', 'statusCode'];

describe('HTTP surface (e2e)', () => {
  let testApp: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    testApp = await createTestApp();
    account = await registerAccount(testApp.http);
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('GET /', () => {
    it('returns the service name and version', async () => {
      const response = await testApp.http.get('/').expect(200);
      expect(response.body).toEqual({ name: 'tools-sync-api', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    });
  });

  describe('error envelope', () => {
    it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
      const response = await testApp.http.get('/no/such/route').expect(404);
      expect(response.body).toEqual({
        statusCode: 404,
        code: 'ROUTE_NOT_FOUND',
        error: 'Route GET /no/such/route not found',
        message: 'Route GET /no/such/route not found',
      });
    });

    it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
      const response = await testApp.http
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": "a@example.com",')
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        code: 'MALFORMED_JSON',
        error: 'Request body is not valid JSON',
        message: 'Request body is not valid JSON',
      });
    });

    it('answers a body over the parser limit with 413', async () => {
      const testAppSmall = await createTestApp({ MAX_ITEM_BYTES: '2048' });
      try {
        const response = await testAppSmall.http
          .post('/auth/login')
          .send({ email: 'a@example.com', password: 'x'.repeat(200_000) })
          .expect(413);
        expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
      } finally {
        await testAppSmall.close();
      }
    });

    it('lists every failing field on 422', async () => {
      const response = await testApp.http.post('/auth/register').send({ email: 'nope', password: 'x' }).expect(422);

      expect(Object.keys(response.body).sort()).toEqual([...ENVELOPE_KEYS, 'fields'].sort());
      expect(response.body.fields.map((entry: { field: string }) => entry.field).sort()).toEqual(['email', 'password']);
      expect(response.body.error).toMatch(/^Validation failed: /);
    });

    it('answers a malformed percent-encoding in the path with 400', async () => {
      const response = await testApp.http.get('/vault/kanban-boards/%E0%A4%A').set('Authorization', `Bearer ${account.token}`);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body).sort()).toEqual(ENVELOPE_KEYS);
    });

    it('hides internal failures behind a 500 without details', async () => {
      // A closed connection makes every database call fail inside the app.
      const broken = await createTestApp();
      const brokenAccount = await registerAccount(broken.http);
      await broken.connection.close();
      try {
        const response = await broken.http.get('/vault/kanban-boards').set('Authorization', `Bearer ${brokenAccount.token}`).expect(500);
        expect(response.body).toEqual({
          statusCode: 500,
          code: 'INTERNAL_ERROR',
          error: 'Internal server error. Try again later.',
          message: 'Internal server error. Try again later.',
        });
      } finally {
        await broken.connection.openUri(process.env.MONGODB_URI!, { dbName: broken.connection.name });
        await broken.close();
      }
    });
  });

  describe('CORS', () => {
    it('allows the configured origin with credentials', async () => {
      const response = await testApp.http
        .options('/vault/sync-status')
        .set('Origin', 'http://localhost:5173')
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization,content-type');

      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(response.headers['access-control-allow-credentials']).toBe('true');
    });

    it('does not allow another origin', async () => {
      const response = await testApp.http.get('/').set('Origin', 'http://evil.example');
      expect(response.headers['access-control-allow-origin']).not.toBe('http://evil.example');
    });
  });

  describe('API docs', () => {
    it('serves Swagger UI at /docs', async () => {
      const response = await testApp.http.get('/docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger-ui');
    });

    it('describes every route, DTO and the two security schemes at /docs-json', async () => {
      const response = await testApp.http.get('/docs-json').expect(200);
      const document = response.body;

      expect(document.components.securitySchemes).toMatchObject({
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'refreshToken' },
      });
      const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /',
          'POST /auth/register',
          'POST /auth/login',
          'POST /auth/refresh',
          'POST /auth/change-password',
          'POST /auth/logout',
          'GET /vault/sync-status',
          'GET /vault/{store}',
          'GET /vault/{store}/{itemId}',
          'PUT /vault/{store}/{itemId}',
          'DELETE /vault/{store}/{itemId}',
          'POST /vault/batch-push',
          'POST /vault/batch-pull',
        ]),
      );
      expect(Object.keys(document.components.schemas)).toEqual(
        expect.arrayContaining(['RegisterDto', 'LoginDto', 'AuthResponseDto', 'PutItemDto', 'ErrorResponseDto', 'SyncStatusDto']),
      );
      const put = document.paths['/vault/{store}/{itemId}'].put;
      expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '409', '413', '422']));
      expect(put.security).toEqual([{ bearer: [] }]);
    });
  });
});
