import TestAgent from 'supertest/lib/agent';
import { EncryptedPayload } from './vault-fixtures';

interface LocalItem {
  itemName: string;
  encryptedPayload: EncryptedPayload;
  updatedAt: number;
}

type QueuedChange =
  | { kind: 'put'; storeName: string; itemId: string }
  | { kind: 'delete'; storeName: string; itemId: string };

const keyOf = (storeName: string, itemId: string) => `${storeName}/${itemId}`;

/**
 * A device that syncs the way the web client does. It flushes its offline
 * queue and reads sync-status without `since`. Then it pushes newer local
 * copies, fetches newer remote ones one by one, and applies each remote
 * deletion that is newer than the local copy.
 */
export class SyncingDevice {
  readonly items = new Map<string, LocalItem & { storeName: string; itemId: string }>();
  private queue: QueuedChange[] = [];

  constructor(
    private readonly http: TestAgent,
    private readonly token: string,
  ) {}

  editLocally(storeName: string, itemId: string, item: LocalItem): void {
    this.items.set(keyOf(storeName, itemId), { storeName, itemId, ...item });
    this.queue.push({ kind: 'put', storeName, itemId });
  }

  deleteLocally(storeName: string, itemId: string): void {
    this.items.delete(keyOf(storeName, itemId));
    this.queue.push({ kind: 'delete', storeName, itemId });
  }

  async fullSync(): Promise<void> {
    await this.flushQueue();

    const status = await this.http.get('/vault/sync-status').set(this.auth()).expect(200);
    const remote = status.body as {
      items: { storeName: string; itemId: string; updatedAt: number }[];
      deletions: { storeName: string; itemId: string; deletedAt: number }[];
    };

    for (const deletion of remote.deletions) {
      const local = this.items.get(keyOf(deletion.storeName, deletion.itemId));
      if (local && deletion.deletedAt > local.updatedAt) this.items.delete(keyOf(deletion.storeName, deletion.itemId));
    }

    const remoteKeys = new Set<string>();
    for (const entry of remote.items) {
      const key = keyOf(entry.storeName, entry.itemId);
      remoteKeys.add(key);
      const local = this.items.get(key);
      if (!local || entry.updatedAt > local.updatedAt) {
        await this.fetch(entry.storeName, entry.itemId);
      } else if (local.updatedAt > entry.updatedAt) {
        await this.put(local);
      }
    }

    for (const [key, local] of this.items) {
      if (!remoteKeys.has(key)) await this.put(local);
    }
  }

  private async flushQueue(): Promise<void> {
    const pending = this.queue;
    this.queue = [];
    for (const change of pending) {
      if (change.kind === 'delete') {
        const response = await this.http.delete(`/vault/${change.storeName}/${change.itemId}`).set(this.auth());
        if (response.status !== 200 && response.status !== 404) throw new Error(`DELETE answered ${response.status}`);
      } else {
        const local = this.items.get(keyOf(change.storeName, change.itemId));
        if (local) await this.put(local);
      }
    }
  }

  private async put(local: LocalItem & { storeName: string; itemId: string }): Promise<void> {
    const { storeName, itemId, ...body } = local;
    const response = await this.http.put(`/vault/${storeName}/${itemId}`).set(this.auth()).send(body);
    if (response.status === 409) {
      await this.fetch(storeName, itemId);
      return;
    }
    if (response.status !== 200) throw new Error(`PUT answered ${response.status}: ${JSON.stringify(response.body)}`);
  }

  private async fetch(storeName: string, itemId: string): Promise<void> {
    const response = await this.http.get(`/vault/${storeName}/${itemId}`).set(this.auth()).expect(200);
    const { itemName, encryptedPayload, updatedAt } = response.body as LocalItem;
    this.items.set(keyOf(storeName, itemId), { storeName, itemId, itemName, encryptedPayload, updatedAt });
  }

  private auth() {
    return { Authorization: `Bearer ${this.token}` };
  }
}
