import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { Configuration } from '../config/configuration';
import { UsageDto, UsageTotalDto } from './dto/sync.dto';
import { keyOf } from './item-key';
import { VaultItem } from './schemas/vault-item.schema';
import { VaultCounters, VersionReservation } from './vault-counters.service';

/** What the quota check needs to know about one write. */
export interface QuotaWrite {
  storeName: string;
  itemId: string;
  size: number;
}

/**
 * Enforces the per-user item and byte quotas and reports usage.
 *
 * Each write raises upper bounds kept in the counter document by its worst
 * case, in the same round trip that reserves its server version. Only when
 * a bound passes a limit are the exact figures computed (one aggregation
 * and one read of the written keys) and the bounds reset to them. Deletions
 * do not lower the bounds, so an account that edits or deletes a lot near
 * its limit pays that exact check more often.
 */
@Injectable()
export class VaultUsage {
  private readonly quota: UsageTotalDto;

  constructor(
    @InjectModel(VaultItem.name) private readonly items: Model<VaultItem>,
    private readonly counters: VaultCounters,
    config: ConfigService<Configuration, true>,
  ) {
    const vault = config.get('vault', { infer: true });
    this.quota = { items: vault.quotaMaxItems, bytes: vault.quotaMaxBytes };
  }

  async report(userId: string): Promise<UsageDto> {
    const stores = await this.items.aggregate<{ _id: string; items: number; bytes: number }>([
      { $match: { userId: new Types.ObjectId(userId), deletedAt: null } },
      { $group: { _id: '$storeName', items: { $sum: 1 }, bytes: { $sum: '$payloadSize' } } },
      { $sort: { _id: 1 } },
    ]);
    const total = { items: 0, bytes: 0 };
    for (const store of stores) {
      total.items += store.items;
      total.bytes += store.bytes;
    }
    return {
      stores: stores.map(({ _id, items, bytes }) => ({ storeName: _id, items, bytes })),
      total,
      quota: { ...this.quota },
    };
  }

  /**
   * Decides, in request order, which writes fit in the quota. A write that
   * does not add an item or bytes is always admitted, so an account over a
   * lowered limit can still shrink. Must run inside the user's lock, after
   * {@link VaultCounters.reserve} has raised the bounds.
   */
  async admit(owner: Types.ObjectId, writes: QuotaWrite[], reservation: VersionReservation): Promise<boolean[]> {
    const withinBounds =
      reservation.itemsUpperBound <= this.quota.items && reservation.bytesUpperBound <= this.quota.bytes;
    if (reservation.usageVerified && withinBounds) return writes.map(() => true);

    const usage = await this.exactTotal(owner);
    const liveSizes = await this.liveSizes(owner, writes);
    const admitted = writes.map((write) => {
      const key = keyOf(write);
      const oldSize = liveSizes.get(key);
      const addedItems = oldSize === undefined ? 1 : 0;
      const addedBytes = write.size - (oldSize ?? 0);
      const items = usage.items + addedItems;
      const bytes = usage.bytes + addedBytes;
      if ((addedItems > 0 && items > this.quota.items) || (addedBytes > 0 && bytes > this.quota.bytes)) return false;

      usage.items = items;
      usage.bytes = bytes;
      liveSizes.set(key, write.size);
      return true;
    });
    await this.counters.setUsageBounds(owner, usage.items, usage.bytes);
    return admitted;
  }

  quotaExceeded(): ApiException {
    return new ApiException(
      HttpStatus.PAYLOAD_TOO_LARGE,
      ErrorCode.QuotaExceeded,
      `Storing this item would exceed the account quota of ${this.quota.items} items or ${this.quota.bytes} bytes. Delete items to make room.`,
      { quota: { ...this.quota } },
    );
  }

  private async exactTotal(owner: Types.ObjectId): Promise<UsageTotalDto> {
    const [total] = await this.items.aggregate<UsageTotalDto>([
      { $match: { userId: owner, deletedAt: null } },
      { $group: { _id: null, items: { $sum: 1 }, bytes: { $sum: '$payloadSize' } } },
    ]);
    return { items: total?.items ?? 0, bytes: total?.bytes ?? 0 };
  }

  private async liveSizes(owner: Types.ObjectId, writes: QuotaWrite[]): Promise<Map<string, number>> {
    const documents = await this.items
      .find(
        { userId: owner, deletedAt: null, $or: writes.map(({ storeName, itemId }) => ({ storeName, itemId })) },
        { _id: 0, storeName: 1, itemId: 1, payloadSize: 1 },
      )
      .lean();
    return new Map(documents.map((document) => [keyOf(document), document.payloadSize]));
  }
}
