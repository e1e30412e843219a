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
    const groups = await this.items.aggregate<{ _id: Types.ObjectId; maxVersion: number }>([
      { $match: expired },
      { $group: { _id: '$userId', maxVersion: { $max: '$serverVersion' } } },
    ]);

    let tombstones = 0;
    for (const { _id: owner, maxVersion } of groups) {
      tombstones += await this.lock.run(String(owner), async () => {
        await this.counters.markPurged(owner, maxVersion);
        const result = await this.items.deleteMany({ userId: owner, ...expired, serverVersion: { $lte: maxVersion } });
        return result.deletedCount;
      });
    }
    return { users: groups.length, tombstones };
  }
}
