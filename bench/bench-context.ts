import { mongo, Types } from 'mongoose';
import { STORE_NAMES } from '../src/common/validation/store-names';
import { payloadSize } from '../src/vault/payload-size';
import { itemBody } from '../test/support/vault-fixtures';
import { ApiClient, BenchUser, PushedItem } from './api-client';

/**
 * Above this many items a user is seeded straight into the database. On
 * FerretDB 1.24 every upsert scans the whole collection, so seeding 10,000
 * items through batch-push did not finish within 11 minutes on a loaded
 * 2-core machine, while inserting 100,000 takes about 10 s.
 */
const MAX_ITEMS_SEEDED_THROUGH_API = 1_000;
const INSERT_CHUNK_SIZE = 5_000;
const VAULT_USER_COUNT = 10;

/** A fixed client clock, so that repeated writes of one item overwrite it (equal times win). */
export const SEED_UPDATED_AT = 1_750_000_000_000;

/**
 * State shared by the scenarios: the API client, the database, and seeded users.
 * Seeded users are cached, so scenarios that need the same data (sync-status
 * and a change feed over 10,000 items, say) seed it once.
 */
export class BenchContext {
  private vaultUsersPromise?: Promise<BenchUser[]>;
  private readonly usersByItemCount = new Map<number, Promise<BenchUser>>();

  constructor(
    readonly api: ApiClient,
    readonly database: mongo.Db,
  ) {}

  /** Ten users with empty vaults, whose requests spread the load over ten per-user write locks. */
  vaultUsers(): Promise<BenchUser[]> {
    this.vaultUsersPromise ??= Promise.all(
      Array.from({ length: VAULT_USER_COUNT }, (_, index) => this.api.register(`vault${index}`)),
    );
    return this.vaultUsersPromise;
  }

  /** Returns a user of its own with `count` live items spread over every store, seeding it on first use. */
  userWithItems(count: number): Promise<BenchUser> {
    let user = this.usersByItemCount.get(count);
    if (!user) {
      user = this.seedUserWithItems(count);
      this.usersByItemCount.set(count, user);
    }
    return user;
  }

  private async seedUserWithItems(count: number): Promise<BenchUser> {
    const user = await this.api.register(`items${count}`);
    if (count <= MAX_ITEMS_SEEDED_THROUGH_API) {
      await this.api.pushItems(user, Array.from({ length: count }, (_, index) => benchItem(STORE_NAMES[index % STORE_NAMES.length], `item-${index}`)));
    } else {
      await this.insertItems(user.userId, count);
    }
    return user;
  }

  /**
   * Inserts items into `vault_items` with the driver, in the shape VaultItem
   * (src/vault/schemas/vault-item.schema.ts) stores: userId as an ObjectId,
   * storeName, itemId, itemName, encryptedPayload { salt, iv, data } as
   * base64 text, payloadSize in decoded bytes, updatedAt in epoch
   * milliseconds and deletedAt null for a live item.
   */
  private async insertItems(userId: string, count: number): Promise<void> {
    const collection = this.database.collection('vault_items');
    const owner = new Types.ObjectId(userId);
    for (let start = 0; start < count; start += INSERT_CHUNK_SIZE) {
      const documents = [];
      for (let index = start; index < Math.min(count, start + INSERT_CHUNK_SIZE); index += 1) {
        const item = benchItem(STORE_NAMES[index % STORE_NAMES.length], `item-${index}`);
        documents.push({
          userId: owner,
          storeName: item.storeName,
          itemId: item.itemId,
          itemName: item.itemName,
          encryptedPayload: item.encryptedPayload,
          payloadSize: payloadSize(item.encryptedPayload),
          updatedAt: item.updatedAt,
          deletedAt: null,
        });
      }
      await collection.insertMany(documents, { ordered: false });
    }
  }
}

/** Builds a small item shaped like the web client's: 16-byte salt, 12-byte IV, 64 bytes of ciphertext. */
export function benchItem(storeName: string, itemId: string, updatedAt = SEED_UPDATED_AT): PushedItem {
  return { storeName, itemId, ...itemBody(updatedAt, `Bench ${itemId}`) };
}
