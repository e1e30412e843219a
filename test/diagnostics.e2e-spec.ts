import { DiagnosticsSnapshot } from '../src/diagnostics/diagnostics.service';
import { registerAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

describe('Diagnostics snapshot (e2e)', () => {
  describe('with BENCH_DIAGNOSTICS unset', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp();
    });

    afterAll(async () => {
      await testApp.close();
    });

    it('returns the unknown-route 404', async () => {
      const response = await testApp.http.post('/diagnostics/snapshot').expect(404);

      expect(response.body).toEqual({
        statusCode: 404,
        code: 'ROUTE_NOT_FOUND',
        error: 'Route POST /diagnostics/snapshot not found',
        message: 'Route POST /diagnostics/snapshot not found',
      });
    });

    it('is left out of the API docs', async () => {
      const response = await testApp.http.get('/docs-json').expect(200);

      expect(Object.keys(response.body.paths)).not.toContain('/diagnostics/snapshot');
    });
  });

  describe('with BENCH_DIAGNOSTICS=true', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ BENCH_DIAGNOSTICS: 'true' });
    });

    afterAll(async () => {
      await testApp.close();
    });

    const takeSnapshot = async (): Promise<DiagnosticsSnapshot> =>
      (await testApp.http.post('/diagnostics/snapshot').expect(200)).body;

    it('counts the database commands of a request', async () => {
      const account = await registerAccount(testApp.http);
      await takeSnapshot();

      await testApp.http
        .put('/vault/kanban-boards/counted')
        .set({ Authorization: `Bearer ${account.token}` })
        .send(itemBody(1000))
        .expect(200);
      const snapshot = await takeSnapshot();

      expect(snapshot.databaseCommands.byName.update).toBeGreaterThanOrEqual(1);
      expect(snapshot.databaseCommands.total).toBeGreaterThanOrEqual(snapshot.databaseCommands.byName.update);
      const stored = await testApp.connection.collection('vault_items').countDocuments({ itemId: 'counted' });
      expect(stored).toBe(1);
    });

    it('starts a new window at each snapshot', async () => {
      await takeSnapshot();
      const snapshot = await takeSnapshot();

      expect(snapshot.databaseCommands).toEqual({ total: 0, byName: {} });
      expect(snapshot.windowMs).toBeGreaterThanOrEqual(0);
      expect(snapshot.httpRequestsInFlight).toBe(0);
    });

    it('reports event-loop delay in milliseconds', async () => {
      await takeSnapshot();
      // The histogram samples every 10 ms, so wait for a few samples.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { eventLoopDelayMs } = await takeSnapshot();

      expect(eventLoopDelayMs.samples).toBeGreaterThan(0);
      expect(eventLoopDelayMs.p50).toBeGreaterThan(0);
      expect(eventLoopDelayMs.p99).toBeGreaterThanOrEqual(eventLoopDelayMs.p50);
      expect(eventLoopDelayMs.max).toBeGreaterThanOrEqual(eventLoopDelayMs.p99);
    });
  });
});
