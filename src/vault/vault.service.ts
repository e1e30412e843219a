import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { createHash } from 'node:crypto';
import { FilterQuery, Model, mongo, Types, UpdateQuery } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { toValidationException } from '../common/validation/validation.pipe';
import { Configuration } from '../config/configuration';
import { DUPLICATE_KEY_ERROR_CODE, isDuplicateKeyError } from '../database/mongo-errors';
import { MetricsService, VaultOperationResult } from '../metrics/metrics.service';
import { IfMatch } from './conditional-request';
import {
  BatchPullResultDto,
  BatchPushItemDto,
  BatchPushResultDto,
  ItemDto,
  ItemKeyDto,
  ItemMetadataDto,
  PutItemDto,
} from './dto/vault.dto';
import { ItemKey, keyOf } from './item-key';
import { payloadSize } from './payload-size';
import { VaultItem } from './schemas/vault-item.schema';
import { VaultCounters } from './vault-counters.service';
import { toItem, toItemMetadata, toPulledItem } from './vault-item.mapper';
import { VaultUsage } from './vault-usage.service';

/** A write that passed validation. */
interface CheckedWrite {
  item: BatchPushItemDto;
  size: number;
  contentHash: string;
}

/** A batch item that passed validation, with its position in the request. */
interface AcceptedWrite extends CheckedWrite {
  index: number;
}

/** The stored fields that explain why a write or deletion was not applied. */
type StoredState = Pick<VaultItem, 'storeName' | 'itemId' | 'updatedAt' | 'deletedAt' | 'serverVersion' | 'contentHash'>;

type WriteOutcome =
  | { status: 'stored'; serverVersion: number }
  | { status: 'conflict'; stored?: StoredState }
  | { status: 'preconditionFailed'; stored?: StoredState }
  | { status: 'quotaExceeded' };

type OwnedKey = { userId: Types.ObjectId } & ItemKey;

interface ItemUpsert {
  filter: FilterQuery<VaultItem>;
  update: UpdateQuery<VaultItem>;
  upsert: boolean;
}

/** Metric label of each write outcome. */
const OPERATION_RESULTS: Record<WriteOutcome['status'], VaultOperationResult> = {
  stored: 'stored',
  conflict: 'conflict',
  preconditionFailed: 'precondition_failed',
  quotaExceeded: 'quota_exceeded',
};

@Injectable()
export class VaultService {
  private readonly logger = new Logger(VaultService.name);
  private readonly maxItemBytes: number;
  private readonly maxClockSkewMs: number;

  constructor(
    @InjectModel(VaultItem.name) private readonly items: Model<VaultItem>,
    private readonly lock: KeyedLock,
    private readonly counters: VaultCounters,
    private readonly usage: VaultUsage,
    private readonly metrics: MetricsService,
    config: ConfigService<Configuration, true>,
  ) {
    const vault = config.get('vault', { infer: true });
    this.maxItemBytes = vault.maxItemBytes;
    this.maxClockSkewMs = vault.maxClockSkewMs;
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

  /** Returns a live item and its server version, which is its entity tag. */
  async getItem(userId: string, storeName: string, itemId: string): Promise<{ item: ItemDto; serverVersion: number }> {
    const document = await this.items
      .findOne({ userId: new Types.ObjectId(userId), storeName, itemId, deletedAt: null }, { _id: 0 })
      .lean();
    if (!document) throw itemNotFound(storeName, itemId);
    return { item: toItem(document), serverVersion: document.serverVersion };
  }

  /**
   * Stores an item and returns its new server version. Without `ifMatch`
   * the Last-Write-Wins rule of {@link lastWriteWinsFilter} decides, and a
   * losing write raises 409. With `ifMatch` the write applies only when the
   * stored server version matches, whatever the clocks show, and raises 412
   * otherwise.
   */
  async putItem(
    userId: string,
    storeName: string,
    itemId: string,
    dto: PutItemDto,
    ifMatch?: IfMatch,
  ): Promise<number> {
    const write = this.checkWrite({ ...dto, storeName, itemId });
    const [outcome] = await this.applyWrites(userId, [write], ifMatch);
    this.metrics.recordVaultOperation('put', OPERATION_RESULTS[outcome.status]);
    switch (outcome.status) {
      case 'stored':
        return outcome.serverVersion;
      case 'conflict':
        throw conflict(outcome.stored);
      case 'preconditionFailed':
        throw preconditionFailed(outcome.stored);
      case 'quotaExceeded':
        throw this.usage.quotaExceeded();
    }
  }

  /**
   * Turns a live item into a tombstone that other devices see in the change
   * feed and in sync-status, and returns the tombstone's server version.
   * Without `ifMatch`, a deletion older than the stored `updatedAt` raises
   * 409 and an absent or already deleted item raises 404. With `ifMatch`,
   * any mismatch raises 412.
   */
  async deleteItem(
    userId: string,
    storeName: string,
    itemId: string,
    deletedAt = Date.now(),
    ifMatch?: IfMatch,
  ): Promise<number> {
    this.checkClockSkew('deletedAt', deletedAt);
    const owner = new Types.ObjectId(userId);
    const key = { userId: owner, storeName, itemId };

    return this.lock.run(userId, async () => {
      const { firstVersion } = await this.counters.reserve(owner, 1, 0, 0);
      const filter = ifMatch ? { ...ifMatchFilter(key, ifMatch), deletedAt: null } : deletionFilter(key, deletedAt);
      const result = await this.items.updateOne(filter, tombstoneUpdate(deletedAt, firstVersion));
      if (result.matchedCount === 1) {
        this.metrics.recordVaultOperation('delete', 'deleted');
        return firstVersion;
      }

      const [stored] = await this.storedStates(owner, [key]);
      if (ifMatch) {
        this.metrics.recordVaultOperation('delete', 'precondition_failed');
        throw preconditionFailed(stored);
      }
      if (!stored || stored.deletedAt !== null) {
        this.metrics.recordVaultOperation('delete', 'not_found');
        throw itemNotFound(storeName, itemId);
      }
      this.metrics.recordVaultOperation('delete', 'conflict');
      throw conflict(stored);
    });
  }

  /**
   * Deletes every item and tombstone of an account. Without tombstones a
   * device following the change feed could not learn of the wipe, so every
   * earlier cursor is expired (410 CURSOR_EXPIRED), which sends devices to a
   * full sync. One version is reserved first so that a cursor handed out
   * after the wipe is not expired too.
   */
  async deleteAllForUser(userId: string): Promise<number> {
    const owner = new Types.ObjectId(userId);
    return this.lock.run(userId, async () => {
      const { firstVersion } = await this.counters.reserve(owner, 1, 0, 0);
      await this.counters.markPurged(owner, firstVersion);
      const result = await this.items.deleteMany({ userId: owner });
      await this.counters.setUsageBounds(owner, 0, 0);
      return result.deletedCount;
    });
  }

  /**
   * Applies up to 50 writes with one unordered bulk write, each under the
   * same rules as a single PUT without If-Match. Items are validated one by
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
        accepted.push({ index, ...checked });
      }
    }
    this.metrics.recordVaultOperation('batch_push', 'invalid', rawItems.length - accepted.length);
    if (accepted.length === 0) return results;

    const outcomes = await this.applyWrites(userId, accepted);
    for (const [position, outcome] of outcomes.entries()) {
      const { index, item } = accepted[position];
      results[index] = { storeName: item.storeName, itemId: item.itemId, ...batchResult(outcome, this.usage) };
      this.metrics.recordVaultOperation('batch_push', OPERATION_RESULTS[outcome.status]);
    }
    return results;
  }

  /** Returns the requested items in request order; a missing one is marked `notFound`. */
  async batchPull(userId: string, keys: ItemKeyDto[]): Promise<BatchPullResultDto[]> {
    const documents = await this.items
      .find({ userId: new Types.ObjectId(userId), deletedAt: null, $or: keys.map(({ storeName, itemId }) => ({ storeName, itemId })) }, { _id: 0 })
      .lean();
    const byKey = new Map(documents.map((document) => [keyOf(document), document]));
    this.metrics.recordVaultOperation('batch_pull', 'found', documents.length);
    this.metrics.recordVaultOperation('batch_pull', 'not_found', keys.length - documents.length);
    return keys.map(({ storeName, itemId }) => {
      const document = byKey.get(keyOf({ storeName, itemId }));
      return document ? toPulledItem(document) : { storeName, itemId, notFound: true as const };
    });
  }

  /**
   * Reserves server versions, checks the quota and stores the writes, all
   * inside the user's lock. When nothing conflicts and the quota bounds
   * hold, that is two round trips: the counter update and one bulk write.
   * `ifMatch` is only meaningful for a single write.
   */
  private async applyWrites(userId: string, writes: CheckedWrite[], ifMatch?: IfMatch): Promise<WriteOutcome[]> {
    const owner = new Types.ObjectId(userId);
    const worstBytes = writes.reduce((total, write) => total + write.size, 0);

    return this.lock.run(userId, async () => {
      const reservation = await this.counters.reserve(owner, writes.length, writes.length, worstBytes);
      const admitted = await this.usage.admit(
        owner,
        writes.map(({ item, size }) => ({ storeName: item.storeName, itemId: item.itemId, size })),
        reservation,
      );

      const outcomes: WriteOutcome[] = [];
      const applied: number[] = [];
      const operations: ItemUpsert[] = [];
      const serverUpdatedAt = Date.now();
      for (const [position, write] of writes.entries()) {
        if (!admitted[position]) {
          outcomes[position] = { status: 'quotaExceeded' };
          continue;
        }
        const serverVersion = reservation.firstVersion + position;
        const key = { userId: owner, storeName: write.item.storeName, itemId: write.item.itemId };
        outcomes[position] = { status: 'stored', serverVersion };
        applied.push(position);
        operations.push({
          filter: ifMatch ? ifMatchFilter(key, ifMatch) : lastWriteWinsFilter(key, write.item.updatedAt, write.contentHash),
          update: itemUpdate(write, serverVersion, serverUpdatedAt),
          upsert: !ifMatch,
        });
      }
      if (operations.length === 0) return outcomes;

      const { rejected, matchedCount } = await this.bulkWrite(operations);
      if (ifMatch && matchedCount === 0) {
        const [stored] = await this.storedStates(owner, writes.map((write) => write.item));
        return [{ status: 'preconditionFailed', stored }];
      }
      if (rejected.length === 0) return outcomes;

      const rejectedPositions = rejected.map((operationIndex) => applied[operationIndex]);
      const stored = await this.storedStates(owner, rejectedPositions.map((position) => writes[position].item));
      const storedByKey = new Map(stored.map((state) => [keyOf(state), state]));
      for (const position of rejectedPositions) {
        outcomes[position] = rejectedOutcome(writes[position], storedByKey.get(keyOf(writes[position].item)));
      }
      return outcomes;
    });
  }

  /**
   * Runs an unordered bulk write and returns the indexes of the upserts that
   * collided with the unique key, which means the conditional filter found
   * a stored copy that wins.
   */
  private async bulkWrite(operations: ItemUpsert[]): Promise<{ rejected: number[]; matchedCount: number }> {
    try {
      const result = await this.items.bulkWrite(
        operations.map((updateOne) => ({ updateOne })),
        { ordered: false },
      );
      return { rejected: [], matchedCount: result.matchedCount };
    } catch (error) {
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
      const writeErrors = [error.writeErrors].flat();
      const unexpected = writeErrors.find((writeError) => writeError.code !== DUPLICATE_KEY_ERROR_CODE);
      if (unexpected) throw error;

      // FerretDB 1.24 stops an unordered bulk write at its first error and
      // can report an index lower than the failing operation's, so every
      // operation runs again one by one. On MongoDB the successful ones have
      // already run, and running one again collides with the unique key as
      // an identical retry does, which the caller reports as stored.
      const rejected: number[] = [];
      for (const [index, operation] of operations.entries()) {
        if (!(await this.upsertAlone(operation))) rejected.push(index);
      }
      return { rejected, matchedCount: error.result.matchedCount };
    }
  }

  /** Returns false when the upsert collided with the unique key. */
  private async upsertAlone({ filter, update, upsert }: ItemUpsert): Promise<boolean> {
    try {
      await this.items.updateOne(filter, update, { upsert });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  private async validateBatchItem(raw: unknown): Promise<CheckedWrite | { error: BatchPushResultDto }> {
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
      return this.checkWrite(item);
    } catch (error) {
      if (!(error instanceof ApiException)) throw error;
      return { error: { ...echo, success: false, code: error.code, error: error.message } };
    }
  }

  /** Checks a write's size and clock and computes its content hash; throws 413 or 422. */
  private checkWrite(item: BatchPushItemDto): CheckedWrite {
    const size = this.checkedSize(item);
    this.checkClockSkew('updatedAt', item.updatedAt);
    return { item, size, contentHash: contentHash(item) };
  }

  /**
   * Rejects a client time too far ahead of the server clock: such a device
   * would otherwise win every Last-Write-Wins comparison until its clock
   * catches up.
   */
  private checkClockSkew(field: 'updatedAt' | 'deletedAt', value: number): void {
    const serverTime = Date.now();
    if (value <= serverTime + this.maxClockSkewMs) return;
    const reason = `${field} is ${value - serverTime} ms ahead of the server clock; at most ${this.maxClockSkewMs} ms is accepted`;
    throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, ErrorCode.ValidationFailed, `Validation failed: ${reason}. Check the device clock.`, {
      fields: [{ field, errors: [reason] }],
      serverTime,
    });
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

  private async storedStates(owner: Types.ObjectId, keys: ItemKey[]): Promise<StoredState[]> {
    return this.items
      .find(
        { userId: owner, $or: keys.map(({ storeName, itemId }) => ({ storeName, itemId })) },
        { _id: 0, storeName: 1, itemId: 1, updatedAt: 1, deletedAt: 1, serverVersion: 1, contentHash: 1 },
      )
      .lean();
  }
}

/**
 * Matches the stored copy a write may replace, so that one conditional
 * upsert decides. It matches a live item with an older `updatedAt`, a live
 * item with the same `updatedAt` but other content (the later arrival wins
 * a tie), or a tombstone older than the write. No match plus an existing
 * key means the stored copy wins: a newer item, a deletion at or after
 * `updatedAt`, or an identical copy, which the caller reports as success.
 */
export function lastWriteWinsFilter(key: OwnedKey, updatedAt: number, contentHash: string): FilterQuery<VaultItem> {
  return {
    ...key,
    $or: [
      { deletedAt: null, updatedAt: { $lt: updatedAt } },
      { deletedAt: null, updatedAt, contentHash: { $ne: contentHash } },
      { deletedAt: { $ne: null, $lt: updatedAt } },
    ],
  };
}

/** Matches a live item that a deletion at `deletedAt` may remove: one not written after it. */
export function deletionFilter(key: OwnedKey, deletedAt: number): FilterQuery<VaultItem> {
  return { ...key, deletedAt: null, updatedAt: { $lte: deletedAt } };
}

/** Matches the stored copy an `If-Match` precondition names: any live item for `*`, else one of the versions. */
export function ifMatchFilter(key: OwnedKey, ifMatch: IfMatch): FilterQuery<VaultItem> {
  if ('any' in ifMatch) return { ...key, deletedAt: null };
  return { ...key, serverVersion: { $in: ifMatch.versions } };
}

/** SHA-256 of everything a write stores from the client, to recognise an identical retry. */
export function contentHash(item: PutItemDto): string {
  const { salt, iv, data } = item.encryptedPayload;
  return createHash('sha256').update(JSON.stringify([item.itemName, salt, iv, data])).digest('base64');
}

function itemUpdate(write: CheckedWrite, serverVersion: number, serverUpdatedAt: number): UpdateQuery<VaultItem> {
  const { salt, iv, data } = write.item.encryptedPayload;
  return {
    $set: {
      itemName: write.item.itemName,
      encryptedPayload: { salt, iv, data },
      payloadSize: write.size,
      updatedAt: write.item.updatedAt,
      deletedAt: null,
      serverVersion,
      serverUpdatedAt,
      contentHash: write.contentHash,
    },
  };
}

function tombstoneUpdate(deletedAt: number, serverVersion: number) {
  return {
    $set: { deletedAt, payloadSize: 0, serverVersion, serverUpdatedAt: Date.now() },
    $unset: { encryptedPayload: 1, itemName: 1, contentHash: 1 },
  };
}

/**
 * Classifies a write whose upsert collided. A retry of the stored copy
 * (same `updatedAt` and content) succeeds without a new server version, so
 * sending a batch twice reports success twice and the change feed stays
 * quiet. Any other collision lost to the stored copy.
 */
function rejectedOutcome(write: CheckedWrite, stored: StoredState | undefined): WriteOutcome {
  const identical =
    stored !== undefined &&
    stored.deletedAt === null &&
    stored.updatedAt === write.item.updatedAt &&
    stored.contentHash === write.contentHash;
  return identical ? { status: 'stored', serverVersion: stored.serverVersion } : { status: 'conflict', stored };
}

function batchResult(outcome: WriteOutcome, usage: VaultUsage): Omit<BatchPushResultDto, 'storeName' | 'itemId'> {
  switch (outcome.status) {
    case 'stored':
      return { success: true, serverVersion: outcome.serverVersion };
    case 'conflict':
      return { success: false, ...conflictResult(outcome.stored) };
    case 'preconditionFailed':
      return { success: false, ...preconditionFailedResult(outcome.stored) };
    case 'quotaExceeded': {
      const exception = usage.quotaExceeded();
      return { success: false, code: exception.code, error: exception.message };
    }
  }
}

function echoKey(raw: unknown): ItemKey {
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    storeName: typeof fields.storeName === 'string' ? fields.storeName.slice(0, 256) : '',
    itemId: typeof fields.itemId === 'string' ? fields.itemId.slice(0, 256) : '',
  };
}

/** The fields a client needs to resolve a conflict: the stored copy's times and server version. */
function storedMetadata(stored: StoredState | undefined) {
  if (!stored) return {};
  return {
    remoteUpdatedAt: stored.updatedAt,
    ...(stored.deletedAt !== null && { deletedAt: stored.deletedAt }),
    serverVersion: stored.serverVersion,
  };
}

function conflictResult(stored: StoredState | undefined) {
  const deleted = stored !== undefined && stored.deletedAt !== null;
  return {
    code: ErrorCode.Conflict,
    error: deleted
      ? 'This item was deleted on the server at or after this change was made'
      : 'A newer copy of this item is stored on the server',
    ...storedMetadata(stored),
  };
}

function conflict(stored: StoredState | undefined): ApiException {
  const { code, error, ...details } = conflictResult(stored);
  return new ApiException(HttpStatus.CONFLICT, code, error, details);
}

function preconditionFailedResult(stored: StoredState | undefined) {
  return {
    code: ErrorCode.PreconditionFailed,
    error: stored
      ? `If-Match does not match the stored server version ${stored.serverVersion}. Fetch the item and retry.`
      : 'If-Match does not match: the item does not exist',
    ...storedMetadata(stored),
  };
}

function preconditionFailed(stored: StoredState | undefined): ApiException {
  const { code, error, ...details } = preconditionFailedResult(stored);
  return new ApiException(HttpStatus.PRECONDITION_FAILED, code, error, details);
}

function itemNotFound(storeName: string, itemId: string): ApiException {
  return new ApiException(HttpStatus.NOT_FOUND, ErrorCode.ItemNotFound, `Item ${itemId} not found in ${storeName}`);
}
