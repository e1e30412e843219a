import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { ScheduleModule } from '@nestjs/schedule';
import { ChangeFeedService } from './change-feed.service';
import { VaultCounter, VaultCounterSchema } from './schemas/vault-counter.schema';
import { VaultItem, VaultItemSchema } from './schemas/vault-item.schema';
import { TombstonePurgeService } from './tombstone-purge.service';
import { VaultCounters } from './vault-counters.service';
import { VaultUsage } from './vault-usage.service';
import { VaultController } from './vault.controller';
import { VaultService } from './vault.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: VaultItem.name, schema: VaultItemSchema },
      { name: VaultCounter.name, schema: VaultCounterSchema },
    ]),
    ScheduleModule.forRoot(),
  ],
  controllers: [VaultController],
  providers: [VaultService, KeyedLock, VaultCounters, VaultUsage, ChangeFeedService, TombstonePurgeService],
  exports: [VaultService],
})
export class VaultModule {}
