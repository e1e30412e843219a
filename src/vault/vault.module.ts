import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { VaultItem, VaultItemSchema } from './schemas/vault-item.schema';
import { VaultController } from './vault.controller';
import { VaultService } from './vault.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: VaultItem.name, schema: VaultItemSchema }])],
  controllers: [VaultController],
  providers: [VaultService, KeyedLock],
  exports: [VaultService],
})
export class VaultModule {}
