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

/** One write, as the quota check sees it: its key and decoded payload size. */
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
 * a bound passes a limit are the exact figures computed (a read of every
 * live item's size and one of the written keys) and the bounds reset to
 * them. Deletions
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
    const { stores, total } = await this.measure(new Types.ObjectId(userId));
    return {
      stores: [...stores.entries()]
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([storeName, usage]) => ({ storeName, ...usage })),
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

    const usage = (await this.measure(owner)).total;
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

  /**
   * Counts live items and their bytes per store. The sums are taken here
   * rather than by `$group`, because FerretDB 1.24 returns 0 for
   * `$sum: '$payloadSize'`; the read streams small projected documents.
   */
  private async measure(owner: Types.ObjectId): Promise<{ stores: Map<string, UsageTotalDto>; total: UsageTotalDto }> {
    const stores = new Map<string, UsageTotalDto>();
    const total = { items: 0, bytes: 0 };
    const cursor = this.items
      .find({ userId: owner, deletedAt: null }, { _id: 0, storeName: 1, payloadSize: 1 })
      .lean()
      .cursor({ batchSize: 1000 });
    for await (const { storeName, payloadSize } of cursor) {
      const store = stores.get(storeName) ?? { items: 0, bytes: 0 };
      store.items += 1;
      store.bytes += payloadSize;
      stores.set(storeName, store);
      total.items += 1;
      total.bytes += payloadSize;
    }
    return { stores, total };
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
