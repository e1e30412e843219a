import { registerAccount } from './support/accounts';
import { SyncingDevice } from './support/sync-client';
import { createTestApp, TestApp } from './support/test-app';
import { encryptedPayload } from './support/vault-fixtures';

/** Fetches every live item from the server, in the shape a device stores them. */
async function serverItems(testApp: TestApp, token: string) {
  const status = await testApp.http.get('/vault/sync-status').set('Authorization', `Bearer ${token}`).expect(200);
  const items = new Map<string, unknown>();
  for (const entry of status.body.items as { storeName: string; itemId: string }[]) {
    const item = await testApp.http
      .get(`/vault/${entry.storeName}/${entry.itemId}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const { itemName, encryptedPayload: payload, updatedAt } = item.body;
    items.set(`${entry.storeName}/${entry.itemId}`, { storeName: entry.storeName, itemId: entry.itemId, itemName, encryptedPayload: payload, updatedAt });
  }
  return items;
}

describe('Full sync between two devices (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('leaves both devices equal to the server', async () => {
    const account = await registerAccount(testApp.http);
    const second = await testApp.http
      .post('/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(200);
    const deviceA = new SyncingDevice(testApp.http, account.token);
    const deviceB = new SyncingDevice(testApp.http, second.body.token);
    const start = Date.now();

    deviceA.editLocally('kanban-boards', 'board-1', { itemName: 'Board 1', encryptedPayload: encryptedPayload(), updatedAt: start });
    deviceA.editLocally('kanban-boards', 'board-2', { itemName: 'Board 2', encryptedPayload: encryptedPayload(), updatedAt: start + 1 });
    deviceA.editLocally('color-palettes', 'palette-1', { itemName: 'Palette', encryptedPayload: encryptedPayload(), updatedAt: start + 2 });
    await deviceA.fullSync();

    await deviceB.fullSync();
    expect([...deviceB.items.keys()].sort()).toEqual(['color-palettes/palette-1', 'kanban-boards/board-1', 'kanban-boards/board-2']);
    expect(deviceB.items.get('kanban-boards/board-1')).toEqual(deviceA.items.get('kanban-boards/board-1'));

    const edited = encryptedPayload();
    deviceB.editLocally('kanban-boards', 'board-1', { itemName: 'Board 1 (edited on B)', encryptedPayload: edited, updatedAt: start + 10 });
    deviceA.deleteLocally('kanban-boards', 'board-2');

    await deviceB.fullSync();
    await deviceA.fullSync();
    await deviceB.fullSync();

    const server = await serverItems(testApp, account.token);
    expect([...server.keys()].sort()).toEqual(['color-palettes/palette-1', 'kanban-boards/board-1']);
    expect(new Map(deviceA.items)).toEqual(server);
    expect(new Map(deviceB.items)).toEqual(server);
    expect(deviceA.items.get('kanban-boards/board-1')).toMatchObject({ itemName: 'Board 1 (edited on B)', encryptedPayload: edited });

    const status = await testApp.http.get('/vault/sync-status').set('Authorization', `Bearer ${account.token}`).expect(200);
    expect(status.body.deletions).toEqual([{ storeName: 'kanban-boards', itemId: 'board-2', deletedAt: expect.any(Number) }]);
  });
});
