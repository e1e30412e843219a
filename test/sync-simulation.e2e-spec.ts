import { Types } from 'mongoose';
import { registerAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { encryptedPayload } from './support/vault-fixtures';

/** mulberry32: a small seeded generator, so every run makes the same choices. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MINUTE_MS = 60_000;
const STORES = ['kanban-boards', 'svg-projects'];
const ITEM_IDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const KEYS = STORES.flatMap((storeName) => ITEM_IDS.map((itemId) => ({ storeName, itemId })));
const ROUNDS = 12;

interface LocalCopy {
  itemName: string;
  data: string;
}

interface Device {
  name: string;
  clockOffsetMs: number;
  cursor?: string;
  local: Map<string, LocalCopy>;
}

/** A write or deletion the server accepted, with the version it stamped. */
interface AcceptedChange {
  key: string;
  serverVersion: number;
  deleted: boolean;
  copy?: LocalCopy;
}

const keyOf = (key: { storeName: string; itemId: string }) => `${key.storeName}/${key.itemId}`;
const versionOf = (etag: string) => Number(JSON.parse(etag));

describe('Sync simulation (e2e)', () => {
  let testApp: TestApp;
  let auth: { Authorization: string };
  let userId: Types.ObjectId;
  const accepted: AcceptedChange[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    const account = await registerAccount(testApp.http);
    auth = { Authorization: `Bearer ${account.token}` };
    userId = new Types.ObjectId(account.userId);
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function put(device: Device, random: () => number, round: number): Promise<void> {
    const key = KEYS[Math.floor(random() * KEYS.length)];
    const copy = { itemName: `${device.name}-r${round}`, data: encryptedPayload(16).data };
    const body = { itemName: copy.itemName, encryptedPayload: { ...encryptedPayload(16), data: copy.data }, updatedAt: Date.now() + device.clockOffsetMs };
    const response = await testApp.http.put(`/vault/${key.storeName}/${key.itemId}`).set(auth).send(body);
    expect([200, 409]).toContain(response.status);
    if (response.status === 200) {
      accepted.push({ key: keyOf(key), serverVersion: versionOf(response.headers.etag), deleted: false, copy });
      device.local.set(keyOf(key), copy);
    }
  }

  async function remove(device: Device, random: () => number): Promise<void> {
    const key = KEYS[Math.floor(random() * KEYS.length)];
    const response = await testApp.http
      .delete(`/vault/${key.storeName}/${key.itemId}`)
      .set(auth)
      .send({ deletedAt: Date.now() + device.clockOffsetMs });
    expect([200, 404, 409]).toContain(response.status);
    if (response.status === 200) {
      accepted.push({ key: keyOf(key), serverVersion: versionOf(response.headers.etag), deleted: true });
      device.local.delete(keyOf(key));
    }
  }

  async function batchPush(device: Device, random: () => number, round: number): Promise<void> {
    const chosen = new Map(KEYS.map((key) => [keyOf(key), key]));
    const keys = [...chosen.values()].filter(() => random() < 0.25).slice(0, 4);
    if (keys.length === 0) return;
    const items = keys.map((key) => ({
      ...key,
      itemName: `${device.name}-r${round}-batch`,
      encryptedPayload: encryptedPayload(16),
      updatedAt: Date.now() + device.clockOffsetMs,
    }));
    const response = await testApp.http.post('/vault/batch-push').set(auth).send({ items }).expect(200);
    for (const [index, result] of response.body.results.entries()) {
      const item = items[index];
      if (result.success) {
        const copy = { itemName: item.itemName, data: item.encryptedPayload.data };
        accepted.push({ key: keyOf(item), serverVersion: result.serverVersion, deleted: false, copy });
        device.local.set(keyOf(item), copy);
      } else {
        expect(result.code).toBe('CONFLICT');
      }
    }
  }

  /** Follows the change feed to its end, fetching payloads of live items. */
  async function sync(device: Device): Promise<void> {
    for (;;) {
      const query = device.cursor ? `?limit=7&cursor=${device.cursor}` : '?limit=7';
      const page = await testApp.http.get(`/vault/changes${query}`).set(auth).expect(200);
      const live = page.body.changes.filter((change: { deletedAt: number | null }) => change.deletedAt === null);
      for (const change of page.body.changes) {
        if (change.deletedAt !== null) device.local.delete(keyOf(change));
      }
      if (live.length > 0) {
        const keys = live.map(({ storeName, itemId }: { storeName: string; itemId: string }) => ({ storeName, itemId }));
        const pulled = await testApp.http.post('/vault/batch-pull').set(auth).send({ items: keys }).expect(200);
        for (const result of pulled.body.results) {
          // A copy deleted since this page was read shows up as a later change.
          if (result.notFound) device.local.delete(keyOf(result));
          else device.local.set(keyOf(result), { itemName: result.itemName, data: result.encryptedPayload.data });
        }
      }
      device.cursor = page.body.nextCursor;
      if (!page.body.hasMore) return;
    }
  }

  it('converges with skewed clocks', async () => {
    const random = seededRandom(20_240_611);
    const devices: Device[] = [
      { name: 'laptop', clockOffsetMs: -7 * MINUTE_MS, local: new Map() },
      { name: 'phone', clockOffsetMs: -2 * MINUTE_MS, local: new Map() },
      { name: 'tablet', clockOffsetMs: 3 * MINUTE_MS, local: new Map() },
      { name: 'desktop', clockOffsetMs: 9 * MINUTE_MS, local: new Map() },
    ];

    for (let round = 0; round < ROUNDS; round += 1) {
      await Promise.all(
        devices.map((device) => {
          const roll = random();
          if (roll < 0.45) return put(device, random, round);
          if (roll < 0.65) return remove(device, random);
          if (roll < 0.85) return batchPush(device, random, round);
          return sync(device);
        }),
      );
    }
    for (const device of devices) await sync(device);

    const stored = await testApp.connection.collection('vault_items').find({ userId }).toArray();
    const server = new Map(stored.map((document) => [keyOf(document as unknown as { storeName: string; itemId: string }), document]));
    expect(accepted.length).toBeGreaterThan(10);

    // Server versions are unique, and for every item the change the server
    // accepted last is the one it holds: no accepted write was lost.
    const versions = accepted.map((change) => change.serverVersion);
    expect(new Set(versions).size).toBe(versions.length);
    const lastAccepted = new Map<string, AcceptedChange>();
    for (const change of [...accepted].sort((left, right) => left.serverVersion - right.serverVersion)) {
      lastAccepted.set(change.key, change);
    }
    for (const [key, change] of lastAccepted) {
      const document = server.get(key);
      expect({ key, serverVersion: document?.serverVersion }).toEqual({ key, serverVersion: change.serverVersion });
      if (change.deleted) {
        expect({ key, deletedAt: typeof document?.deletedAt }).toEqual({ key, deletedAt: 'number' });
      } else {
        expect({ key, itemName: document?.itemName, data: document?.encryptedPayload?.data }).toEqual({ key, ...change.copy });
      }
    }

    // Every device ends with exactly the server's live items.
    const serverLive = new Map(
      stored
        .filter((document) => document.deletedAt === null)
        .map((document) => [
          keyOf(document as unknown as { storeName: string; itemId: string }),
          { itemName: document.itemName, data: document.encryptedPayload.data },
        ]),
    );
    for (const device of devices) {
      expect({ device: device.name, items: Object.fromEntries(device.local) }).toEqual({
        device: device.name,
        items: Object.fromEntries(serverLive),
      });
    }

    // The listing the existing web client reads agrees.
    const status = await testApp.http.get('/vault/sync-status').set(auth).expect(200);
    expect(status.body.items.map(keyOf).sort()).toEqual([...serverLive.keys()].sort());
  });
});
