import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Model, Types } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { Configuration } from '../config/configuration';
import { VaultItem } from './schemas/vault-item.schema';
import { VaultCounters } from './vault-counters.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes tombstones older than the retention period, by the server clock of the deletion. */
@Injectable()
export class TombstonePurgeService {
  private readonly logger = new Logger(TombstonePurgeService.name);
  private readonly retentionMs: number;

  constructor(
    @InjectModel(VaultItem.name) private readonly items: Model<VaultItem>,
    private readonly counters: VaultCounters,
    private readonly lock: KeyedLock,
    config: ConfigService<Configuration, true>,
  ) {
    this.retentionMs = config.get('vault', { infer: true }).tombstoneRetentionDays * DAY_MS;
  }

  @Cron(CronExpression.EVERY_HOUR)
  async purgeOnSchedule(): Promise<void> {
    try {
      const { users, tombstones } = await this.purgeExpired();
      if (tombstones > 0) this.logger.log(`Purged ${tombstones} expired tombstones of ${users} users`);
    } catch (error) {
      const reason = error instanceof Error ? error.stack : String(error);
      this.logger.error(`Tombstone purge failed; the next hourly run retries: ${reason}`);
    }
  }

  /**
   * Purges, user by user, the tombstones recorded before `now` minus the
   * retention period. The user's `purgedThrough` is raised before the
   * deletion, so a failure in between only expires cursors early and never
   * lets a client miss a deletion.
   */
  async purgeExpired(now = Date.now()): Promise<{ users: number; tombstones: number }> {
    const horizon = now - this.retentionMs;
    const expired = { deletedAt: { $ne: null }, serverUpdatedAt: { $lt: horizon } };
    // FerretDB 1.24 has no $max accumulator in $group, so each user's
    // highest expired version is read with a sorted findOne instead.
    const owners = (await this.items.distinct('userId', expired)) as Types.ObjectId[];

    let tombstones = 0;
    for (const owner of owners) {
      tombstones += await this.lock.run(String(owner), async () => {
        const newest = await this.items
          .findOne({ userId: owner, ...expired }, { _id: 0, serverVersion: 1 })
          .sort({ serverVersion: -1 })
          .lean();
        if (!newest) return 0;
        await this.counters.markPurged(owner, newest.serverVersion);
        const result = await this.items.deleteMany({ userId: owner, ...expired, serverVersion: { $lte: newest.serverVersion } });
        return result.deletedCount;
      });
    }
    return { users: owners.length, tombstones };
  }
}
