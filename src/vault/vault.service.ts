import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AnyBulkWriteOperation, FilterQuery, Model, mongo, Types } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { toValidationException } from '../common/validation/validation.pipe';
import { Configuration } from '../config/configuration';
import { isDuplicateKeyError } from '../database/mongo-errors';
import { MetricsService } from '../metrics/metrics.service';
import {
  BatchPullResultDto,
  BatchPushItemDto,
  BatchPushResultDto,
  ItemDto,
  ItemKeyDto,
  ItemMetadataDto,
  PutItemDto,
  SyncStatusDto,
} from './dto/vault.dto';
import { payloadSize } from './payload-size';
import { VaultItem } from './schemas/vault-item.schema';
import { toItem, toItemMetadata, toPulledItem } from './vault-item.mapper';

interface ItemKey {
  storeName: string;
  itemId: string;
}

/** A batch item that passed validation, with its position in the request. */
interface AcceptedWrite {
  index: number;
  item: BatchPushItemDto;
  size: number;
}

@Injectable()
export class VaultService {
  private readonly logger = new Logger(VaultService.name);
  private readonly maxItemBytes: number;

  constructor(
    @InjectModel(VaultItem.name) private readonly items: Model<VaultItem>,
    private readonly lock: KeyedLock,
    private readonly metrics: MetricsService,
    config: ConfigService<Configuration, true>,
  ) {
    this.maxItemBytes = config.get('vault', { infer: true }).maxItemBytes;
  }

  async syncStatus(userId: string, since?: number): Promise<SyncStatusDto> {
    const filter: FilterQuery<VaultItem> = { userId: new Types.ObjectId(userId) };
    if (since !== undefined) {
      filter.$or = [
        { deletedAt: null, updatedAt: { $gt: since } },
        { deletedAt: { $gt: since } },
      ];
    }
    const documents = await this.items
      .find(filter, { _id: 0, storeName: 1, itemId: 1, updatedAt: 1, deletedAt: 1 })
      .lean();

    const status: SyncStatusDto = { items: [], deletions: [] };
    for (const { storeName, itemId, updatedAt, deletedAt } of documents) {
      if (deletedAt === null || deletedAt === undefined) {
        status.items.push({ storeName, itemId, updatedAt });
      } else {
        status.deletions.push({ storeName, itemId, deletedAt });
      }
    }
    return status;
  }

  async listStore(userId: string, storeName: string): Promise<ItemMetadataDto[]> {
    const documents = await this.items
      .find(
        { userId: new Types.ObjectId(userId), storeName, deletedAt: null },
        { _id: 0, itemId: 1, itemName: 1, payloadSize: 1, updatedAt: 1 },
      )
      .lean();
    return documents.map(toItemMetadata);
  }

  async getItem(userId: string, storeName: string, itemId: string): Promise<ItemDto> {
    const document = await this.items
      .findOne({ userId: new Types.ObjectId(userId), storeName, itemId, deletedAt: null }, { _id: 0 })
      .lean();
    if (!document) throw itemNotFound(storeName, itemId);
    return toItem(document);
  }

  /**
   * Stores an item unless the stored copy has a newer `updatedAt`
   * (Last-Write-Wins). Equal times overwrite, so a retried write succeeds.
   * The decision is one conditional upsert: when the filter does not match
   * because a newer copy exists, the upsert collides with the unique key.
   */
  async putItem(userId: string, storeName: string, itemId: string, dto: PutItemDto): Promise<void> {
    const size = this.checkedSize(dto);
    const key = { userId: new Types.ObjectId(userId), storeName, itemId };

    await this.lock.run(userId, async () => {
      try {
        await this.items.updateOne(lastWriteWinsFilter(key, dto.updatedAt), itemUpdate(dto, size), { upsert: true });
        this.metrics.recordVaultOperation('put', 'stored');
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        this.metrics.recordVaultOperation('put', 'conflict');
        throw conflict(await this.storedUpdatedAt(key));
      }
    });
  }

  /** Turns a live item into a tombstone that other devices see in sync-status. */
  async deleteItem(userId: string, storeName: string, itemId: string, deletedAt = Date.now()): Promise<void> {
    const key = { userId: new Types.ObjectId(userId), storeName, itemId };
    const result = await this.lock.run(userId, () =>
      this.items.updateOne(
        { ...key, deletedAt: null },
        { $set: { deletedAt, payloadSize: 0 }, $unset: { encryptedPayload: 1, itemName: 1 } },
      ),
    );
    if (result.matchedCount === 0) {
      this.metrics.recordVaultOperation('delete', 'not_found');
      throw itemNotFound(storeName, itemId);
    }
    this.metrics.recordVaultOperation('delete', 'deleted');
  }

  /** Deletes every item and tombstone of an account, leaving nothing for other devices to sync. */
  async deleteAllForUser(userId: string): Promise<number> {
    const result = await this.lock.run(userId, () => this.items.deleteMany({ userId: new Types.ObjectId(userId) }));
    return result.deletedCount;
  }

  /**
   * Applies up to 50 writes with one unordered bulk write, each under the
   * same Last-Write-Wins rule as a single PUT. Items are validated one by
   * one, and a failing item is reported without failing the others.
   */
  async batchPush(userId: string, rawItems: unknown[]): Promise<BatchPushResultDto[]> {
    const results: BatchPushResultDto[] = [];
    const accepted: AcceptedWrite[] = [];
    for (const [index, raw] of rawItems.entries()) {
      const checked = await this.validateBatchItem(raw);
      if ('error' in checked) {
        results[index] = checked.error;
      } else {
        accepted.push({ index, item: checked.item, size: checked.size });
        results[index] = { storeName: checked.item.storeName, itemId: checked.item.itemId, success: true };
      }
    }
    this.metrics.recordVaultOperation('batch_push', 'invalid', rawItems.length - accepted.length);
    if (accepted.length === 0) return results;

    const owner = new Types.ObjectId(userId);
    const conflicts = await this.lock.run(userId, () => this.bulkUpsert(owner, accepted));
    if (conflicts.length > 0) {
      const stored = await this.storedUpdatedAts(owner, conflicts.map((write) => write.item));
      for (const write of conflicts) {
        const remoteUpdatedAt = stored.get(keyOf(write.item));
        results[write.index] = { ...results[write.index], success: false, ...conflictResult(remoteUpdatedAt) };
      }
    }
    this.metrics.recordVaultOperation('batch_push', 'stored', accepted.length - conflicts.length);
    this.metrics.recordVaultOperation('batch_push', 'conflict', conflicts.length);
    return results;
  }

  /** Returns the requested items in request order; a missing one is marked `notFound`. */
  async batchPull(userId: string, keys: ItemKeyDto[]): Promise<BatchPullResultDto[]> {
    const documents = await this.items
      .find({ userId: new Types.ObjectId(userId), deletedAt: null, $or: keys.map(({ storeName, itemId }) => ({ storeName, itemId })) }, { _id: 0 })
      .lean();
    const byKey = new Map(documents.map((document) => [keyOf(document), document]));
    const results = keys.map(({ storeName, itemId }) => {
      const document = byKey.get(keyOf({ storeName, itemId }));
      return document ? toPulledItem(document) : { storeName, itemId, notFound: true as const };
    });
    const found = results.filter((result) => !('notFound' in result)).length;
    this.metrics.recordVaultOperation('batch_pull', 'found', found);
    this.metrics.recordVaultOperation('batch_pull', 'not_found', results.length - found);
    return results;
  }

  /**
   * Returns the writes that lost to a newer stored copy. The common case,
   * no conflict, costs one bulk write. When the bulk write reports an error
   * the writes are replayed one by one: FerretDB 1.24 stops an unordered
   * bulk update at its first error and reports a wrong index, so its error
   * list cannot be trusted. Replaying is safe because every write is
   * conditional and an already applied one matches again with the same data.
   */
  private async bulkUpsert(owner: Types.ObjectId, writes: AcceptedWrite[]): Promise<AcceptedWrite[]> {
    const updates = writes.map(({ item, size }) => ({
      filter: lastWriteWinsFilter({ userId: owner, storeName: item.storeName, itemId: item.itemId }, item.updatedAt),
      update: itemUpdate(item, size),
    }));
    const operations: AnyBulkWriteOperation<VaultItem>[] = updates.map((update) => ({
      updateOne: { ...update, upsert: true },
    }));
    try {
      await this.items.bulkWrite(operations, { ordered: false });
      return [];
    } catch (error) {
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
    }

    const conflicts: AcceptedWrite[] = [];
    for (const [index, write] of writes.entries()) {
      const { filter, update } = updates[index];
      try {
        await this.items.updateOne(filter, update, { upsert: true });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        conflicts.push(write);
      }
    }
    return conflicts;
  }

  private async validateBatchItem(
    raw: unknown,
  ): Promise<{ item: BatchPushItemDto; size: number } | { error: BatchPushResultDto }> {
    const echo = echoKey(raw);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { error: { ...echo, success: false, code: ErrorCode.ValidationFailed, error: 'Item must be an object' } };
    }
    const item = plainToInstance(BatchPushItemDto, raw);
    const errors = await validate(item, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) {
      const exception = toValidationException(errors);
      return { error: { ...echo, success: false, code: exception.code, error: exception.message } };
    }
    try {
      return { item, size: this.checkedSize(item) };
    } catch (error) {
      if (!(error instanceof ApiException)) throw error;
      return { error: { ...echo, success: false, code: error.code, error: error.message } };
    }
  }

  private checkedSize(dto: PutItemDto): number {
    const size = payloadSize(dto.encryptedPayload);
    if (size > this.maxItemBytes) {
      throw new ApiException(
        HttpStatus.PAYLOAD_TOO_LARGE,
        ErrorCode.PayloadTooLarge,
        `Encrypted payload is ${size} bytes; the maximum is ${this.maxItemBytes} bytes`,
        { payloadSize: size, maxPayloadSize: this.maxItemBytes },
      );
    }
    return size;
  }

  private async storedUpdatedAt(key: { userId: Types.ObjectId } & ItemKey): Promise<number | undefined> {
    const stored = await this.items.findOne(key, { _id: 0, updatedAt: 1 }).lean();
    return stored?.updatedAt;
  }

  private async storedUpdatedAts(owner: Types.ObjectId, keys: ItemKey[]): Promise<Map<string, number>> {
    const documents = await this.items
      .find({ userId: owner, $or: keys.map(({ storeName, itemId }) => ({ storeName, itemId })) }, { _id: 0, storeName: 1, itemId: 1, updatedAt: 1 })
      .lean();
    return new Map(documents.map((document) => [keyOf(document), document.updatedAt]));
  }
}

/**
 * Matches the stored copy this write may replace: a live item that is not
 * newer, or a tombstone. No match plus an existing key means a newer copy.
 */
function lastWriteWinsFilter(key: { userId: Types.ObjectId } & ItemKey, updatedAt: number): FilterQuery<VaultItem> {
  return { ...key, $or: [{ updatedAt: { $lte: updatedAt } }, { deletedAt: { $ne: null } }] };
}

function itemUpdate(dto: PutItemDto, size: number) {
  const { salt, iv, data } = dto.encryptedPayload;
  return {
    $set: {
      itemName: dto.itemName,
      encryptedPayload: { salt, iv, data },
      payloadSize: size,
      updatedAt: dto.updatedAt,
      deletedAt: null,
    },
  };
}

function keyOf(item: ItemKey): string {
  return JSON.stringify([item.storeName, item.itemId]);
}

function echoKey(raw: unknown): ItemKey {
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    storeName: typeof fields.storeName === 'string' ? fields.storeName.slice(0, 256) : '',
    itemId: typeof fields.itemId === 'string' ? fields.itemId.slice(0, 256) : '',
  };
}

function conflictResult(remoteUpdatedAt: number | undefined) {
  return {
    code: ErrorCode.Conflict,
    error: 'A newer copy of this item is stored on the server',
    ...(remoteUpdatedAt !== undefined && { remoteUpdatedAt }),
  };
}

function conflict(remoteUpdatedAt: number | undefined): ApiException {
  const { code, error, ...details } = conflictResult(remoteUpdatedAt);
  return new ApiException(HttpStatus.CONFLICT, code, error, details);
}

function itemNotFound(storeName: string, itemId: string): ApiException {
  return new ApiException(HttpStatus.NOT_FOUND, ErrorCode.ItemNotFound, `Item ${itemId} not found in ${storeName}`);
}
