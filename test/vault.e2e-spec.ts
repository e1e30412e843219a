import { STORE_NAMES } from '../src/common/validation/store-names';
import { registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { encryptedPayload, itemBody } from './support/vault-fixtures';

describe('Vault (e2e)', () => {
  let testApp: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    testApp = await createTestApp();
    account = await registerAccount(testApp.http);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const auth = (token = account.token) => ({ Authorization: `Bearer ${token}` });
  let counter = 0;
  const newItemId = () => `item-${++counter}`;

  describe('PUT /vault/:store/:itemId', () => {
    it('stores the item and answers { success: true }', async () => {
      const itemId = newItemId();
      const body = itemBody(1_700_000_000_000, 'Sprint board');
      await testApp.http.put(`/vault/kanban-boards/${itemId}`).set(auth()).send(body).expect(200, { success: true });

      const response = await testApp.http.get(`/vault/kanban-boards/${itemId}`).set(auth()).expect(200);
      expect(response.body).toEqual({
        itemId,
        itemName: 'Sprint board',
        encryptedPayload: body.encryptedPayload,
        payloadSize: 16 + 12 + 64,
        updatedAt: 1_700_000_000_000,
      });
    });

    it('keeps the newer copy when an older one arrives', async () => {
      const itemId = newItemId();
      const newer = itemBody(2000, 'Newer');
      await testApp.http.put(`/vault/kanban-boards/${itemId}`).set(auth()).send(newer).expect(200);

      const response = await testApp.http.put(`/vault/kanban-boards/${itemId}`).set(auth()).send(itemBody(1000, 'Older')).expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        code: 'CONFLICT',
        error: 'A newer copy of this item is stored on the server',
        message: 'A newer copy of this item is stored on the server',
        remoteUpdatedAt: 2000,
        serverVersion: expect.any(Number),
      });
      const stored = await testApp.http.get(`/vault/kanban-boards/${itemId}`).set(auth()).expect(200);
      expect(stored.body.itemName).toBe('Newer');
      expect(stored.body.encryptedPayload).toEqual(newer.encryptedPayload);
    });

    it('replaces the stored copy with a newer one', async () => {
      const itemId = newItemId();
      await testApp.http.put(`/vault/svg-projects/${itemId}`).set(auth()).send(itemBody(1000, 'First')).expect(200);
      await testApp.http.put(`/vault/svg-projects/${itemId}`).set(auth()).send(itemBody(1001, 'Second')).expect(200);

      const stored = await testApp.http.get(`/vault/svg-projects/${itemId}`).set(auth()).expect(200);
      expect(stored.body.itemName).toBe('Second');
      expect(stored.body.updatedAt).toBe(1001);
    });

    it('accepts a retry with the same updatedAt', async () => {
      const itemId = newItemId();
      const body = itemBody(5000);
      await testApp.http.put(`/vault/svg-projects/${itemId}`).set(auth()).send(body).expect(200);
      await testApp.http.put(`/vault/svg-projects/${itemId}`).set(auth()).send(body).expect(200, { success: true });
    });

    it('keeps one document per item', async () => {
      const itemId = newItemId();
      for (const updatedAt of [1, 2, 3]) {
        await testApp.http.put(`/vault/color-palettes/${itemId}`).set(auth()).send(itemBody(updatedAt)).expect(200);
      }

      const count = await testApp.connection.collection('vault_items').countDocuments({ itemId });
      expect(count).toBe(1);
    });

    it('measures payloadSize on decoded bytes', async () => {
      const itemId = newItemId();
      await testApp.http.put(`/vault/pdf-documents/${itemId}`).set(auth()).send(itemBody(1, 'Doc', 1000)).expect(200);

      const list = await testApp.http.get('/vault/pdf-documents').set(auth()).expect(200);
      const entry = list.body.find((item: { itemId: string }) => item.itemId === itemId);
      expect(entry.payloadSize).toBe(16 + 12 + 1000);
    });

    it('answers 413 above 10 MiB of decoded data', async () => {
      const tooLarge = {
        itemName: 'Huge',
        encryptedPayload: { ...encryptedPayload(), data: Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64') },
        updatedAt: 1,
      };
      const response = await testApp.http.put(`/vault/pdf-documents/${newItemId()}`).set(auth()).send(tooLarge).expect(413);

      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(response.body.error).toBe(response.body.message);
    });

    it.each([
      ['invalid base64 data', { ...itemBody(1), encryptedPayload: { ...encryptedPayload(), data: 'not base64!' } }, 'encryptedPayload.data'],
      ['missing iv', { ...itemBody(1), encryptedPayload: { salt: 'AAAA', data: 'AAAA' } }, 'encryptedPayload.iv'],
      ['itemName over 200 characters', itemBody(1, 'x'.repeat(201)), 'itemName'],
      ['fractional updatedAt', itemBody(1.5), 'updatedAt'],
      ['negative updatedAt', itemBody(-1), 'updatedAt'],
      ['updatedAt as a string', { ...itemBody(1), updatedAt: '1700000000000' }, 'updatedAt'],
      ['missing updatedAt', { itemName: 'x', encryptedPayload: encryptedPayload() }, 'updatedAt'],
      ['payload as a string', { ...itemBody(1), encryptedPayload: 'abc' }, 'encryptedPayload'],
      ['an unknown field', { ...itemBody(1), owner: 'someone' }, 'owner'],
    ])('answers 422 for %s', async (_case, body, field) => {
      const response = await testApp.http.put(`/vault/kanban-boards/${newItemId()}`).set(auth()).send(body).expect(422);

      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    });

    it('accepts an itemName of exactly 200 characters', async () => {
      await testApp.http.put(`/vault/kanban-boards/${newItemId()}`).set(auth()).send(itemBody(1, 'x'.repeat(200))).expect(200);
    });
  });

  describe('store names', () => {
    it('accept all thirteen stores', async () => {
      expect(STORE_NAMES).toHaveLength(13);
      for (const store of STORE_NAMES) {
        await testApp.http.put(`/vault/${store}/in-every-store`).set(auth()).send(itemBody(1, store)).expect(200);
        const list = await testApp.http.get(`/vault/${store}`).set(auth()).expect(200);
        expect(list.body.map((item: { itemName: string }) => item.itemName)).toContain(store);
      }
    });

    it.each([
      ['GET list', 'get', '/vault/unknown-store'],
      ['GET item', 'get', '/vault/unknown-store/x'],
      ['PUT', 'put', '/vault/unknown-store/x'],
      ['DELETE', 'delete', '/vault/unknown-store/x'],
    ] as const)('reject an unknown store with 400 on %s', async (_case, method, path) => {
      const call = testApp.http[method](path).set(auth());
      const response = await (method === 'put' ? call.send(itemBody(1)) : call);

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('UNKNOWN_STORE');
      expect(response.body.error).toBe(response.body.message);
    });
  });

  describe('GET /vault/:store', () => {
    it('lists metadata only, without deleted items or other stores', async () => {
      const fresh = await registerAccount(testApp.http);
      await testApp.http.put('/vault/map-projects/a').set(auth(fresh.token)).send(itemBody(10, 'A')).expect(200);
      await testApp.http.put('/vault/map-projects/b').set(auth(fresh.token)).send(itemBody(20, 'B')).expect(200);
      await testApp.http.put('/vault/phone-configs/c').set(auth(fresh.token)).send(itemBody(30, 'C')).expect(200);
      await testApp.http.delete('/vault/map-projects/b').set(auth(fresh.token)).expect(200);

      const response = await testApp.http.get('/vault/map-projects').set(auth(fresh.token)).expect(200);
      expect(response.body).toEqual([{ itemId: 'a', itemName: 'A', payloadSize: 92, updatedAt: 10 }]);
    });

    it("never shows another user's items", async () => {
      const owner = await registerAccount(testApp.http);
      const stranger = await registerAccount(testApp.http);
      await testApp.http.put('/vault/invoice-configs/secret').set(auth(owner.token)).send(itemBody(1)).expect(200);

      await testApp.http.get('/vault/invoice-configs').set(auth(stranger.token)).expect(200, []);
      await testApp.http.get('/vault/invoice-configs/secret').set(auth(stranger.token)).expect(404);
      const status = await testApp.http.get('/vault/sync-status').set(auth(stranger.token)).expect(200);
      expect(status.body).toEqual({ items: [], deletions: [] });
    });
  });

  describe('GET /vault/:store/:itemId', () => {
    it('answers 404 ITEM_NOT_FOUND for an absent item', async () => {
      const response = await testApp.http.get('/vault/kanban-boards/does-not-exist').set(auth()).expect(404);

      expect(response.body.code).toBe('ITEM_NOT_FOUND');
      expect(response.body.statusCode).toBe(404);
    });

    it('round-trips item ids with spaces and unicode', async () => {
      const itemId = 'Mi tablero ñ 1';
      await testApp.http.put(`/vault/kanban-boards/${encodeURIComponent(itemId)}`).set(auth()).send(itemBody(1)).expect(200);

      const response = await testApp.http.get(`/vault/kanban-boards/${encodeURIComponent(itemId)}`).set(auth()).expect(200);
      expect(response.body.itemId).toBe(itemId);
    });
  });

  describe('DELETE /vault/:store/:itemId', () => {
    it('stamps the deletion with the server clock when no body is sent', async () => {
      const itemId = newItemId();
      await testApp.http.put(`/vault/markdown-documents/${itemId}`).set(auth()).send(itemBody(1)).expect(200);

      const before = Date.now();
      await testApp.http.delete(`/vault/markdown-documents/${itemId}`).set(auth()).expect(200, { success: true });
      const after = Date.now();

      await testApp.http.get(`/vault/markdown-documents/${itemId}`).set(auth()).expect(404);
      const status = await testApp.http.get('/vault/sync-status').set(auth()).expect(200);
      const deletion = status.body.deletions.find((entry: { itemId: string }) => entry.itemId === itemId);
      expect(deletion.storeName).toBe('markdown-documents');
      expect(deletion.deletedAt).toBeGreaterThanOrEqual(before);
      expect(deletion.deletedAt).toBeLessThanOrEqual(after);
      expect(status.body.items.map((entry: { itemId: string }) => entry.itemId)).not.toContain(itemId);
    });

    it('uses deletedAt from the body when sent', async () => {
      const itemId = newItemId();
      await testApp.http.put(`/vault/markdown-documents/${itemId}`).set(auth()).send(itemBody(1)).expect(200);
      await testApp.http.delete(`/vault/markdown-documents/${itemId}`).set(auth()).send({ deletedAt: 12345 }).expect(200);

      const status = await testApp.http.get('/vault/sync-status').set(auth()).expect(200);
      expect(status.body.deletions).toContainEqual({ storeName: 'markdown-documents', itemId, deletedAt: 12345 });
    });

    it('removes the payload from the stored tombstone', async () => {
      const itemId = newItemId();
      await testApp.http.put(`/vault/markdown-documents/${itemId}`).set(auth()).send(itemBody(1)).expect(200);
      await testApp.http.delete(`/vault/markdown-documents/${itemId}`).set(auth()).expect(200);

      const stored = await testApp.connection.collection('vault_items').findOne({ itemId });
      expect(stored?.encryptedPayload).toBeUndefined();
      expect(stored?.deletedAt).toEqual(expect.any(Number));
    });

    it('answers 404 for an absent or already deleted item', async () => {
      const itemId = newItemId();
      const absent = await testApp.http.delete(`/vault/markdown-documents/${itemId}`).set(auth()).expect(404);
      expect(absent.body.code).toBe('ITEM_NOT_FOUND');

      await testApp.http.put(`/vault/markdown-documents/${itemId}`).set(auth()).send(itemBody(1)).expect(200);
      await testApp.http.delete(`/vault/markdown-documents/${itemId}`).set(auth()).expect(200);
      await testApp.http.delete(`/vault/markdown-documents/${itemId}`).set(auth()).expect(404);
    });

    it('answers 422 for an invalid deletedAt', async () => {
      const response = await testApp.http.delete(`/vault/markdown-documents/${newItemId()}`).set(auth()).send({ deletedAt: 'yesterday' }).expect(422);
      expect(response.body.fields[0].field).toBe('deletedAt');
    });
  });

  describe('GET /vault/sync-status', () => {
    it('lists every item and deletion without since', async () => {
      const fresh = await registerAccount(testApp.http);
      await testApp.http.put('/vault/three-scenes/s1').set(auth(fresh.token)).send(itemBody(100)).expect(200);
      await testApp.http.put('/vault/devtools-snippets/s2').set(auth(fresh.token)).send(itemBody(200)).expect(200);
      await testApp.http.put('/vault/devtools-snippets/s3').set(auth(fresh.token)).send(itemBody(300)).expect(200);
      await testApp.http.delete('/vault/devtools-snippets/s3').set(auth(fresh.token)).send({ deletedAt: 400 }).expect(200);

      const response = await testApp.http.get('/vault/sync-status').set(auth(fresh.token)).expect(200);
      const byId = (a: { itemId: string }, b: { itemId: string }) => a.itemId.localeCompare(b.itemId);
      expect(response.body.items.sort(byId)).toEqual([
        { storeName: 'three-scenes', itemId: 's1', updatedAt: 100 },
        { storeName: 'devtools-snippets', itemId: 's2', updatedAt: 200 },
      ]);
      expect(response.body.deletions).toEqual([{ storeName: 'devtools-snippets', itemId: 's3', deletedAt: 400 }]);
    });

    it('lists only later changes with since', async () => {
      const fresh = await registerAccount(testApp.http);
      await testApp.http.put('/vault/api-collections/old').set(auth(fresh.token)).send(itemBody(100)).expect(200);
      await testApp.http.put('/vault/api-collections/new').set(auth(fresh.token)).send(itemBody(300)).expect(200);
      await testApp.http.put('/vault/api-collections/gone-early').set(auth(fresh.token)).send(itemBody(50)).expect(200);
      await testApp.http.delete('/vault/api-collections/gone-early').set(auth(fresh.token)).send({ deletedAt: 150 }).expect(200);
      await testApp.http.put('/vault/api-collections/gone-late').set(auth(fresh.token)).send(itemBody(60)).expect(200);
      await testApp.http.delete('/vault/api-collections/gone-late').set(auth(fresh.token)).send({ deletedAt: 350 }).expect(200);

      const response = await testApp.http.get('/vault/sync-status?since=200').set(auth(fresh.token)).expect(200);
      expect(response.body).toEqual({
        items: [{ storeName: 'api-collections', itemId: 'new', updatedAt: 300 }],
        deletions: [{ storeName: 'api-collections', itemId: 'gone-late', deletedAt: 350 }],
      });
    });

    it.each(['abc', '-5', '1.5'])('answers 422 for since=%s', async (since) => {
      const response = await testApp.http.get(`/vault/sync-status?since=${since}`).set(auth()).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('POST /vault/batch-push', () => {
    it('reports each item on its own', async () => {
      await testApp.http.put('/vault/kanban-boards/batch-newer').set(auth()).send(itemBody(9000)).expect(200);

      const response = await testApp.http
        .post('/vault/batch-push')
        .set(auth())
        .send({
          items: [
            { storeName: 'kanban-boards', itemId: 'batch-ok', ...itemBody(100, 'OK') },
            { storeName: 'kanban-boards', itemId: 'batch-newer', ...itemBody(100, 'Stale') },
            { storeName: 'kanban-boards', itemId: 'batch-after-conflict', ...itemBody(100, 'After') },
            { storeName: 'no-such-store', itemId: 'batch-bad-store', ...itemBody(100) },
            { storeName: 'kanban-boards', itemId: 'batch-bad-payload', ...itemBody(100), encryptedPayload: { salt: '!', iv: '!', data: '!' } },
            'not an object',
          ],
        })
        .expect(200);

      const results = response.body.results;
      expect(results).toHaveLength(6);
      expect(results[0]).toEqual({ storeName: 'kanban-boards', itemId: 'batch-ok', success: true, serverVersion: expect.any(Number) });
      expect(results[1]).toMatchObject({ storeName: 'kanban-boards', itemId: 'batch-newer', success: false, code: 'CONFLICT', remoteUpdatedAt: 9000 });
      expect(typeof results[1].error).toBe('string');
      expect(results[2]).toEqual({
        storeName: 'kanban-boards',
        itemId: 'batch-after-conflict',
        success: true,
        serverVersion: expect.any(Number),
      });
      expect(results[3]).toMatchObject({ itemId: 'batch-bad-store', success: false, code: 'UNKNOWN_STORE' });
      expect(results[4]).toMatchObject({ itemId: 'batch-bad-payload', success: false, code: 'VALIDATION_FAILED' });
      expect(results[5]).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });

      const stored = await testApp.http.get('/vault/kanban-boards/batch-ok').set(auth()).expect(200);
      expect(stored.body.itemName).toBe('OK');
      await testApp.http.get('/vault/kanban-boards/batch-after-conflict').set(auth()).expect(200);
      const unchanged = await testApp.http.get('/vault/kanban-boards/batch-newer').set(auth()).expect(200);
      expect(unchanged.body.updatedAt).toBe(9000);
    });

    it('stores 50 items in one call', async () => {
      const items = Array.from({ length: 50 }, (_, index) => ({
        storeName: 'spreadsheet-workbooks',
        itemId: `bulk-${index}`,
        ...itemBody(index + 1, `Sheet ${index}`),
      }));
      const response = await testApp.http.post('/vault/batch-push').set(auth()).send({ items }).expect(200);

      expect(response.body.results.every((result: { success: boolean }) => result.success)).toBe(true);
      const list = await testApp.http.get('/vault/spreadsheet-workbooks').set(auth()).expect(200);
      expect(list.body.filter((item: { itemId: string }) => item.itemId.startsWith('bulk-'))).toHaveLength(50);
    });

    it.each([
      ['51 items', { items: Array.from({ length: 51 }, (_, index) => ({ storeName: 'kanban-boards', itemId: `x${index}`, ...itemBody(1) })) }],
      ['no items', { items: [] }],
      ['items not an array', { items: 'nope' }],
    ])('answers 422 for %s', async (_case, body) => {
      const response = await testApp.http.post('/vault/batch-push').set(auth()).send(body).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('POST /vault/batch-pull', () => {
    it('returns items in request order and marks missing ones', async () => {
      const first = itemBody(11, 'First');
      const second = itemBody(22, 'Second');
      await testApp.http.put('/vault/color-palettes/pull-1').set(auth()).send(first).expect(200);
      await testApp.http.put('/vault/kanban-boards/pull-2').set(auth()).send(second).expect(200);

      const response = await testApp.http
        .post('/vault/batch-pull')
        .set(auth())
        .send({
          items: [
            { storeName: 'kanban-boards', itemId: 'pull-2' },
            { storeName: 'kanban-boards', itemId: 'pull-missing' },
            { storeName: 'color-palettes', itemId: 'pull-1' },
          ],
        })
        .expect(200);

      expect(response.body.results).toEqual([
        { storeName: 'kanban-boards', itemId: 'pull-2', itemName: 'Second', encryptedPayload: second.encryptedPayload, payloadSize: 92, updatedAt: 22 },
        { storeName: 'kanban-boards', itemId: 'pull-missing', notFound: true },
        { storeName: 'color-palettes', itemId: 'pull-1', itemName: 'First', encryptedPayload: first.encryptedPayload, payloadSize: 92, updatedAt: 11 },
      ]);
    });

    it('answers 400 for an unknown store and 422 for over 50 items', async () => {
      const unknown = await testApp.http
        .post('/vault/batch-pull')
        .set(auth())
        .send({ items: [{ storeName: 'nope', itemId: 'x' }] })
        .expect(400);
      expect(unknown.body.code).toBe('UNKNOWN_STORE');

      const items = Array.from({ length: 51 }, (_, index) => ({ storeName: 'kanban-boards', itemId: `x${index}` }));
      await testApp.http.post('/vault/batch-pull').set(auth()).send({ items }).expect(422);
    });
  });

  describe('authentication', () => {
    it.each([
      ['get', '/vault/sync-status'],
      ['get', '/vault/kanban-boards'],
      ['get', '/vault/kanban-boards/x'],
      ['put', '/vault/kanban-boards/x'],
      ['delete', '/vault/kanban-boards/x'],
      ['post', '/vault/batch-push'],
      ['post', '/vault/batch-pull'],
    ] as const)('is required on %s %s', async (method, path) => {
      const response = await testApp.http[method](path).send({});
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHORIZED');
    });
  });
});
