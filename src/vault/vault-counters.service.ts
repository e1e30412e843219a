import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { VaultCounter } from './schemas/vault-counter.schema';

/** The outcome of reserving server versions for a batch of writes. */
export interface VersionReservation {
  /** The first reserved version; a batch of n writes uses firstVersion … firstVersion + n - 1. */
  firstVersion: number;
  itemsUpperBound: number;
  bytesUpperBound: number;
  usageVerified: boolean;
}

export interface FeedBounds {
  lastVersion: number;
  purgedThrough: number;
}

/**
 * Reads and advances the per-user counter document. Every method must run
 * inside the user's `KeyedLock`, since FerretDB 1.x applies `$inc` and
 * `$max` as a read followed by a write.
 */
@Injectable()
export class VaultCounters {
  constructor(@InjectModel(VaultCounter.name) private readonly counters: Model<VaultCounter>) {}

  /**
   * Reserves `count` consecutive server versions in one round trip and
   * raises the usage upper bounds by the worst case of the writes (every
   * item new, no old payload replaced).
   */
  async reserve(owner: Types.ObjectId, count: number, worstItems: number, worstBytes: number): Promise<VersionReservation> {
    const counter = await this.counters
      .findOneAndUpdate(
        { _id: owner },
        { $inc: { lastVersion: count, itemsUpperBound: worstItems, bytesUpperBound: worstBytes } },
        { upsert: true, new: true, lean: true },
      )
      .orFail();
    return {
      firstVersion: counter.lastVersion - count + 1,
      itemsUpperBound: counter.itemsUpperBound,
      bytesUpperBound: counter.bytesUpperBound,
      usageVerified: counter.usageVerified === true,
    };
  }

  /** Replaces the usage upper bounds with values computed from the stored items. */
  async setUsageBounds(owner: Types.ObjectId, items: number, bytes: number): Promise<void> {
    await this.counters.updateOne(
      { _id: owner },
      { $set: { itemsUpperBound: items, bytesUpperBound: bytes, usageVerified: true } },
    );
  }

  /** Returns the last handed-out version and the purge horizon; zeros for a user who never wrote. */
  async feedBounds(owner: Types.ObjectId): Promise<FeedBounds> {
    const counter = await this.counters.findById(owner, { lastVersion: 1, purgedThrough: 1 }).lean();
    return { lastVersion: counter?.lastVersion ?? 0, purgedThrough: counter?.purgedThrough ?? 0 };
  }

  /** Records that tombstones up to `serverVersion` are about to be purged. */
  async markPurged(owner: Types.ObjectId, serverVersion: number): Promise<void> {
    await this.counters.updateOne({ _id: owner }, { $max: { purgedThrough: serverVersion } }, { upsert: true });
  }
}
