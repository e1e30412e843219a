import { Types } from 'mongoose';
import { TombstonePurgeService } from '../src/vault/tombstone-purge.service';
import { registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('Sync rules (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  /** Registers a fresh account, so that the test's server versions start at 1. */
  async function newAccount() {
    const account = await registerAccount(testApp.http);
    return { account, auth: { Authorization: `Bearer ${account.token}` } };
  }

  async function storedItem(account: TestAccount, storeName: string, itemId: string) {
    return testApp.connection
      .collection('vault_items')
      .findOne({ userId: new Types.ObjectId(account.userId), storeName, itemId });
  }

  describe('change feed', () => {
    it('lists changes in server order', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(5000)).expect(200);
      await testApp.http.put('/vault/svg-projects/b').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/kanban-boards/a').set(auth).send({ deletedAt: 6000 }).expect(200);

      const response = await testApp.http.get('/vault/changes').set(auth).expect(200);
      expect(response.body.hasMore).toBe(false);
      expect(response.body.changes).toEqual([
        { storeName: 'svg-projects', itemId: 'b', serverVersion: 2, updatedAt: 1000, deletedAt: null, itemName: 'Item', payloadSize: 92 },
        { storeName: 'kanban-boards', itemId: 'a', serverVersion: 3, updatedAt: 5000, deletedAt: 6000 },
      ]);
    });

    it('pages with nextCursor and hasMore', async () => {
      const { auth } = await newAccount();
      for (let index = 0; index < 5; index += 1) {
        await testApp.http.put(`/vault/kanban-boards/i${index}`).set(auth).send(itemBody(1000 + index)).expect(200);
      }

      const first = await testApp.http.get('/vault/changes?limit=2').set(auth).expect(200);
      expect(first.body.changes.map((change: { itemId: string }) => change.itemId)).toEqual(['i0', 'i1']);
      expect(first.body.hasMore).toBe(true);

      const second = await testApp.http.get(`/vault/changes?limit=2&cursor=${first.body.nextCursor}`).set(auth).expect(200);
      expect(second.body.changes.map((change: { itemId: string }) => change.itemId)).toEqual(['i2', 'i3']);

      const third = await testApp.http.get(`/vault/changes?limit=2&cursor=${second.body.nextCursor}`).set(auth).expect(200);
      expect(third.body.changes.map((change: { itemId: string }) => change.itemId)).toEqual(['i4']);
      expect(third.body.hasMore).toBe(false);

      const idle = await testApp.http.get(`/vault/changes?cursor=${third.body.nextCursor}`).set(auth).expect(200);
      expect(idle.body.changes).toEqual([]);
      expect(idle.body.nextCursor).toBe(third.body.nextCursor);
    });

    it('shows a write by a slow clock', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(9000)).expect(200);
      const synced = await testApp.http.get('/vault/changes').set(auth).expect(200);

      await testApp.http.put('/vault/kanban-boards/b').set(auth).send(itemBody(10)).expect(200);
      const next = await testApp.http.get(`/vault/changes?cursor=${synced.body.nextCursor}`).set(auth).expect(200);
      expect(next.body.changes.map((change: { itemId: string }) => change.itemId)).toEqual(['b']);
    });

    it.each([
      ['garbage', 'not-a-cursor!'],
      ['foreign format', Buffer.from('v9:3').toString('base64url')],
    ])('rejects a %s cursor with 422', async (_case, cursor) => {
      const { auth } = await newAccount();
      const response = await testApp.http.get(`/vault/changes?cursor=${cursor}`).set(auth).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it.each(['0', '5001', 'ten'])('rejects limit %s with 422', async (limit) => {
      const { auth } = await newAccount();
      await testApp.http.get(`/vault/changes?limit=${limit}`).set(auth).expect(422);
    });

    it('expires a cursor ahead of the account', async () => {
      const { auth } = await newAccount();
      const cursor = Buffer.from('v1:99').toString('base64url');
      const response = await testApp.http.get(`/vault/changes?cursor=${cursor}`).set(auth).expect(410);
      expect(response.body.code).toBe('CURSOR_EXPIRED');
    });
  });

  describe('tombstones', () => {
    it('rejects a PUT not newer than the deletion', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/kanban-boards/a').set(auth).send({ deletedAt: 2000 }).expect(200);

      for (const updatedAt of [1500, 2000]) {
        const response = await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(updatedAt)).expect(409);
        expect(response.body.code).toBe('CONFLICT');
        expect(response.body.deletedAt).toBe(2000);
        expect(response.body.remoteUpdatedAt).toBe(1000);
      }
      const stored = await storedItem(account, 'kanban-boards', 'a');
      expect(stored?.deletedAt).toBe(2000);
      expect(stored?.encryptedPayload).toBeUndefined();
    });

    it('recreates the item on a newer PUT', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/kanban-boards/a').set(auth).send({ deletedAt: 2000 }).expect(200);
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(2001, 'Back')).expect(200);

      const stored = await storedItem(account, 'kanban-boards', 'a');
      expect(stored?.deletedAt).toBeNull();
      expect(stored?.itemName).toBe('Back');
      await testApp.http.get('/vault/kanban-boards/a').set(auth).expect(200);
    });

    it('rejects a DELETE older than the stored copy', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(5000)).expect(200);

      const response = await testApp.http.delete('/vault/kanban-boards/a').set(auth).send({ deletedAt: 4000 }).expect(409);
      expect(response.body.code).toBe('CONFLICT');
      expect(response.body.remoteUpdatedAt).toBe(5000);
      expect((await storedItem(account, 'kanban-boards', 'a'))?.deletedAt).toBeNull();
    });

    it('rejects a server-clock DELETE of a future copy', async () => {
      const { auth } = await newAccount();
      const ahead = Date.now() + 60 * 60 * 1000;
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(ahead)).expect(200);
      const response = await testApp.http.delete('/vault/kanban-boards/a').set(auth).expect(409);
      expect(response.body.remoteUpdatedAt).toBe(ahead);
    });

    it('answers 404 for a repeated DELETE', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/kanban-boards/a').set(auth).expect(200);
      const response = await testApp.http.delete('/vault/kanban-boards/a').set(auth).expect(404);
      expect(response.body.code).toBe('ITEM_NOT_FOUND');
    });
  });

  describe('tombstone purge', () => {
    it('purges old tombstones and expires older cursors', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.put('/vault/kanban-boards/b').set(auth).send(itemBody(1000)).expect(200);
      const beforeDeletion = await testApp.http.get('/vault/changes').set(auth).expect(200);
      await testApp.http.delete('/vault/kanban-boards/a').set(auth).expect(200);
      const afterDeletion = await testApp.http.get(`/vault/changes?cursor=${beforeDeletion.body.nextCursor}`).set(auth).expect(200);

      const purge = testApp.app.get(TombstonePurgeService);
      const notYet = await purge.purgeExpired(Date.now() + 89 * DAY_MS);
      expect(notYet.tombstones).toBe(0);
      const result = await purge.purgeExpired(Date.now() + 91 * DAY_MS);
      expect(result.tombstones).toBeGreaterThanOrEqual(1);
      expect(await storedItem(account, 'kanban-boards', 'a')).toBeNull();
      expect(await storedItem(account, 'kanban-boards', 'b')).not.toBeNull();

      const expired = await testApp.http.get(`/vault/changes?cursor=${beforeDeletion.body.nextCursor}`).set(auth).expect(410);
      expect(expired.body.code).toBe('CURSOR_EXPIRED');
      await testApp.http.get(`/vault/changes?cursor=${afterDeletion.body.nextCursor}`).set(auth).expect(200);
      const full = await testApp.http.get('/vault/changes').set(auth).expect(200);
      expect(full.body.changes.map((change: { itemId: string }) => change.itemId)).toEqual(['b']);
    });
  });

  describe('conditional writes', () => {
    it('returns the server version as ETag', async () => {
      const { auth } = await newAccount();
      const put = await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      expect(put.headers.etag).toBe('"1"');
      const get = await testApp.http.get('/vault/kanban-boards/a').set(auth).expect(200);
      expect(get.headers.etag).toBe('"1"');
      expect(Object.keys(get.body).sort()).toEqual(['encryptedPayload', 'itemId', 'itemName', 'payloadSize', 'updatedAt']);
    });

    it('applies a PUT with a matching If-Match', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(5000)).expect(200);
      // An older updatedAt still applies, since the version check replaces Last-Write-Wins.
      const put = await testApp.http.put('/vault/kanban-boards/a').set(auth).set('If-Match', '"1"').send(itemBody(4000, 'Edited')).expect(200);
      expect(put.headers.etag).toBe('"2"');
      expect((await storedItem(account, 'kanban-boards', 'a'))?.itemName).toBe('Edited');
    });

    it('answers 412 to a stale If-Match', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(2000)).expect(200);

      const response = await testApp.http.put('/vault/kanban-boards/a').set(auth).set('If-Match', '"1"').send(itemBody(3000, 'Lost')).expect(412);
      expect(response.body.code).toBe('PRECONDITION_FAILED');
      expect(response.body.serverVersion).toBe(2);
      expect(response.body.remoteUpdatedAt).toBe(2000);
      expect((await storedItem(account, 'kanban-boards', 'a'))?.updatedAt).toBe(2000);
    });

    it('answers 412 to If-Match on an absent item', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/none').set(auth).set('If-Match', '*').send(itemBody(1000)).expect(412);
      await testApp.http.delete('/vault/kanban-boards/none').set(auth).set('If-Match', '"1"').expect(412);
    });

    it('deletes with a matching If-Match only', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      const stale = await testApp.http.delete('/vault/kanban-boards/a').set(auth).set('If-Match', '"7"').expect(412);
      expect(stale.body.serverVersion).toBe(1);
      expect((await storedItem(account, 'kanban-boards', 'a'))?.deletedAt).toBeNull();

      const deleted = await testApp.http.delete('/vault/kanban-boards/a').set(auth).set('If-Match', '"1"').expect(200);
      expect(deleted.headers.etag).toMatch(/^"\d+"$/);
      expect((await storedItem(account, 'kanban-boards', 'a'))?.deletedAt).not.toBeNull();
    });

    it('rejects a malformed If-Match with 422', async () => {
      const { auth } = await newAccount();
      const response = await testApp.http.put('/vault/kanban-boards/a').set(auth).set('If-Match', 'version-1').send(itemBody(1000)).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('batch push', () => {
    it('reports success twice for the same batch', async () => {
      const { account, auth } = await newAccount();
      const items = [
        { storeName: 'kanban-boards', itemId: 'a', ...itemBody(1000) },
        { storeName: 'kanban-boards', itemId: 'b', ...itemBody(2000) },
      ];
      const first = await testApp.http.post('/vault/batch-push').set(auth).send({ items }).expect(200);
      const stateAfterFirst = await storedItem(account, 'kanban-boards', 'a');
      const second = await testApp.http.post('/vault/batch-push').set(auth).send({ items }).expect(200);

      expect(first.body.results).toEqual([
        { storeName: 'kanban-boards', itemId: 'a', success: true, serverVersion: 1 },
        { storeName: 'kanban-boards', itemId: 'b', success: true, serverVersion: 2 },
      ]);
      expect(second.body.results).toEqual(first.body.results);
      expect(await storedItem(account, 'kanban-boards', 'a')).toEqual(stateAfterFirst);
      const feed = await testApp.http.get('/vault/changes').set(auth).expect(200);
      expect(feed.body.changes).toHaveLength(2);
    });

    it('reports conflict details per item', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/newer').set(auth).send(itemBody(5000)).expect(200);
      await testApp.http.put('/vault/kanban-boards/gone').set(auth).send(itemBody(1000)).expect(200);
      await testApp.http.delete('/vault/kanban-boards/gone').set(auth).send({ deletedAt: 3000 }).expect(200);

      const response = await testApp.http
        .post('/vault/batch-push')
        .set(auth)
        .send({
          items: [
            { storeName: 'kanban-boards', itemId: 'newer', ...itemBody(4000) },
            { storeName: 'kanban-boards', itemId: 'gone', ...itemBody(2000) },
            { storeName: 'kanban-boards', itemId: 'fresh', ...itemBody(2000) },
          ],
        })
        .expect(200);

      const [newer, gone, fresh] = response.body.results;
      expect(newer).toMatchObject({ success: false, code: 'CONFLICT', remoteUpdatedAt: 5000, serverVersion: 1 });
      expect(newer.deletedAt).toBeUndefined();
      expect(gone).toMatchObject({ success: false, code: 'CONFLICT', remoteUpdatedAt: 1000, deletedAt: 3000, serverVersion: 3 });
      expect(fresh).toMatchObject({ success: true });
    });

    it('lets the later of two equal times win', async () => {
      const { account, auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000, 'First')).expect(200);
      const second = await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000, 'Second')).expect(200);
      expect(second.headers.etag).toBe('"2"');
      expect((await storedItem(account, 'kanban-boards', 'a'))?.itemName).toBe('Second');
    });
  });

  describe('clock skew', () => {
    it('rejects an updatedAt far in the future', async () => {
      const { account, auth } = await newAccount();
      const response = await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(Date.now() + 2 * DAY_MS)).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.fields[0].field).toBe('updatedAt');
      expect(typeof response.body.serverTime).toBe('number');
      expect(await storedItem(account, 'kanban-boards', 'a')).toBeNull();
    });

    it('accepts an updatedAt within the window', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(Date.now() + DAY_MS / 2)).expect(200);
    });

    it('rejects a deletedAt far in the future', async () => {
      const { auth } = await newAccount();
      await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000)).expect(200);
      const response = await testApp.http.delete('/vault/kanban-boards/a').set(auth).send({ deletedAt: Date.now() + 2 * DAY_MS }).expect(422);
      expect(response.body.fields[0].field).toBe('deletedAt');
    });

    it('rejects a future item inside a batch alone', async () => {
      const { auth } = await newAccount();
      const response = await testApp.http
        .post('/vault/batch-push')
        .set(auth)
        .send({
          items: [
            { storeName: 'kanban-boards', itemId: 'future', ...itemBody(Date.now() + 2 * DAY_MS) },
            { storeName: 'kanban-boards', itemId: 'now', ...itemBody(Date.now()) },
          ],
        })
        .expect(200);
      expect(response.body.results[0]).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
      expect(response.body.results[1]).toMatchObject({ success: true });
    });
  });

  describe('sync-status', () => {
    it('streams the exact listing', async () => {
      const { account, auth } = await newAccount();
      const userId = new Types.ObjectId(account.userId);
      // More entries than one database batch (1000) and one response chunk
      // hold, written straight to the collection because a FerretDB upsert
      // scans the collection and 2500 of them through the API take minutes.
      const documents = [];
      const expectedItems = [];
      for (let index = 0; index < 2500; index += 1) {
        const itemId = `item-${index}`;
        documents.push({ userId, storeName: 'kanban-boards', itemId, itemName: 'Item', payloadSize: 4, updatedAt: 10_000 + index, deletedAt: null, serverVersion: index + 1, serverUpdatedAt: Date.now() });
        expectedItems.push({ storeName: 'kanban-boards', itemId, updatedAt: 10_000 + index });
      }
      await testApp.connection.collection('vault_items').insertMany(documents);
      await testApp.http.delete('/vault/kanban-boards/item-0').set(auth).send({ deletedAt: 20_000 }).expect(200);
      expectedItems.shift();

      const response = await testApp.http.get('/vault/sync-status').set(auth).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const byId = (left: { itemId: string }, right: { itemId: string }) => left.itemId.localeCompare(right.itemId);
      expect(Object.keys(response.body)).toEqual(['items', 'deletions']);
      expect([...response.body.items].sort(byId)).toEqual(expectedItems.sort(byId));
      expect(response.body.deletions).toEqual([{ storeName: 'kanban-boards', itemId: 'item-0', deletedAt: 20_000 }]);

      const since = await testApp.http.get('/vault/sync-status?since=12498').set(auth).expect(200);
      expect(since.body).toEqual({
        items: [{ storeName: 'kanban-boards', itemId: 'item-2499', updatedAt: 12_499 }],
        deletions: [{ storeName: 'kanban-boards', itemId: 'item-0', deletedAt: 20_000 }],
      });
    });

    it('returns empty lists for a new account', async () => {
      const { auth } = await newAccount();
      const response = await testApp.http.get('/vault/sync-status').set(auth).expect(200);
      expect(response.body).toEqual({ items: [], deletions: [] });
    });
  });
});

describe('Quotas (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ QUOTA_MAX_ITEMS: '3', QUOTA_MAX_BYTES: '2048' });
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function newAuth() {
    const account = await registerAccount(testApp.http);
    return { Authorization: `Bearer ${account.token}` };
  }

  it('rejects the item past the count quota', async () => {
    const auth = await newAuth();
    for (const itemId of ['a', 'b', 'c']) {
      await testApp.http.put(`/vault/kanban-boards/${itemId}`).set(auth).send(itemBody(1000, 'Item', 8)).expect(200);
    }
    const response = await testApp.http.put('/vault/kanban-boards/d').set(auth).send(itemBody(1000, 'Item', 8)).expect(413);
    expect(response.body.code).toBe('QUOTA_EXCEEDED');
    expect(response.body.quota).toEqual({ items: 3, bytes: 2048 });

    // Replacing a stored item adds nothing, and a deletion makes room.
    await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(2000, 'Item', 8)).expect(200);
    await testApp.http.delete('/vault/kanban-boards/a').set(auth).expect(200);
    await testApp.http.put('/vault/kanban-boards/d').set(auth).send(itemBody(1000, 'Item', 8)).expect(200);
  });

  it('rejects bytes past the byte quota', async () => {
    const auth = await newAuth();
    await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000, 'Item', 1500)).expect(200);
    const response = await testApp.http.put('/vault/kanban-boards/b').set(auth).send(itemBody(1000, 'Item', 600)).expect(413);
    expect(response.body.code).toBe('QUOTA_EXCEEDED');
    await testApp.http.put('/vault/kanban-boards/b').set(auth).send(itemBody(1000, 'Item', 400)).expect(200);
  });

  it('fails only the batch items past the quota', async () => {
    const auth = await newAuth();
    const items = ['a', 'b', 'c', 'd'].map((itemId) => ({ storeName: 'svg-projects', itemId, ...itemBody(1000, 'Item', 8) }));
    const response = await testApp.http.post('/vault/batch-push').set(auth).send({ items }).expect(200);
    expect(response.body.results.map((result: { success: boolean }) => result.success)).toEqual([true, true, true, false]);
    expect(response.body.results[3].code).toBe('QUOTA_EXCEEDED');
  });

  it('reports usage per store', async () => {
    const auth = await newAuth();
    await testApp.http.put('/vault/kanban-boards/a').set(auth).send(itemBody(1000, 'Item', 100)).expect(200);
    await testApp.http.put('/vault/svg-projects/b').set(auth).send(itemBody(1000, 'Item', 200)).expect(200);
    await testApp.http.put('/vault/svg-projects/c').set(auth).send(itemBody(1000, 'Item', 10)).expect(200);
    await testApp.http.delete('/vault/svg-projects/c').set(auth).expect(200);

    const response = await testApp.http.get('/vault/usage').set(auth).expect(200);
    expect(response.body).toEqual({
      stores: [
        { storeName: 'kanban-boards', items: 1, bytes: 128 },
        { storeName: 'svg-projects', items: 1, bytes: 228 },
      ],
      total: { items: 2, bytes: 356 },
      quota: { items: 3, bytes: 2048 },
    });
  });
});
