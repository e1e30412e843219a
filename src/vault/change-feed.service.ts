import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model, Types } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { ChangeDto, ChangesPageDto, DEFAULT_CHANGES_LIMIT } from './dto/sync.dto';
import { VaultItem } from './schemas/vault-item.schema';
import { decodeCursor, encodeCursor } from './sync-cursor';
import { VaultCounters } from './vault-counters.service';

/** Documents read per round trip while streaming sync-status. */
const SYNC_STATUS_BATCH_SIZE = 1000;
/** Approximate characters buffered before a sync-status chunk is written to the response. */
const SYNC_STATUS_CHUNK_CHARS = 64 * 1024;

/**
 * Reads an account's changes: the server-ordered change feed, and the
 * sync-status listing that the existing web client diffs by client clocks.
 */
@Injectable()
export class ChangeFeedService {
  constructor(
    @InjectModel(VaultItem.name) private readonly items: Model<VaultItem>,
    private readonly counters: VaultCounters,
    private readonly lock: KeyedLock,
  ) {}

  /**
   * Returns the changes after `cursor` in server-version order. A version is
   * returned only once every write that reserved a lower one has finished,
   * so a client that follows `nextCursor` never skips a change.
   */
  async changes(userId: string, cursor: string | undefined, limit = DEFAULT_CHANGES_LIMIT): Promise<ChangesPageDto> {
    const after = cursor === undefined ? 0 : decodeCursor(cursor);
    if (after === undefined) throw invalidCursor();

    const owner = new Types.ObjectId(userId);
    // Writers reserve and store versions while holding this lock, so no
    // write is half done here and every version up to lastVersion is stored.
    // NOTE: the lock is per process. With several app instances writing for
    // one user, a slower writer could store a lower version after a reader
    // passed it. Running one instance per user, or one in all, avoids that.
    const bounds = await this.lock.run(userId, () => this.counters.feedBounds(owner));
    if (cursor !== undefined && (after < bounds.purgedThrough || after > bounds.lastVersion)) {
      throw cursorExpired();
    }

    const documents = await this.items
      .find(
        { userId: owner, serverVersion: { $gt: after, $lte: bounds.lastVersion } },
        { _id: 0, storeName: 1, itemId: 1, itemName: 1, payloadSize: 1, updatedAt: 1, deletedAt: 1, serverVersion: 1 },
      )
      .sort({ serverVersion: 1 })
      .limit(limit + 1)
      .lean();

    const hasMore = documents.length > limit;
    const page = documents.slice(0, limit);
    const last = hasMore ? page[page.length - 1].serverVersion : bounds.lastVersion;
    return { changes: page.map(toChange), nextCursor: encodeCursor(Math.max(after, last)), hasMore };
  }

  /**
   * Streams `{ items, deletions }` as JSON text chunks, reading the account
   * with database cursors so memory stays bounded whatever its size. Live
   * items and tombstones are read by two queries, so a change made between
   * them can show an item in both lists or in neither, as a change made
   * during any unsnapshotted read can.
   */
  async *streamSyncStatus(userId: string, since?: number): AsyncGenerator<string> {
    const owner = new Types.ObjectId(userId);
    const live: FilterQuery<VaultItem> = { userId: owner, deletedAt: null };
    const deleted: FilterQuery<VaultItem> = { userId: owner, deletedAt: { $ne: null } };
    if (since !== undefined) {
      live.updatedAt = { $gt: since };
      deleted.deletedAt = { $ne: null, $gt: since };
    }

    yield '{"items":[';
    yield* this.streamArray(live, ({ storeName, itemId, updatedAt }) => ({ storeName, itemId, updatedAt }));
    yield '],"deletions":[';
    yield* this.streamArray(deleted, ({ storeName, itemId, deletedAt }) => ({ storeName, itemId, deletedAt }));
    yield ']}';
  }

  private async *streamArray(
    filter: FilterQuery<VaultItem>,
    toEntry: (document: Pick<VaultItem, 'storeName' | 'itemId' | 'updatedAt' | 'deletedAt'>) => object,
  ): AsyncGenerator<string> {
    const cursor = this.items
      .find(filter, { _id: 0, storeName: 1, itemId: 1, updatedAt: 1, deletedAt: 1 })
      .lean()
      .cursor({ batchSize: SYNC_STATUS_BATCH_SIZE });

    let chunk = '';
    let separator = '';
    for await (const document of cursor) {
      chunk += separator + JSON.stringify(toEntry(document));
      separator = ',';
      if (chunk.length >= SYNC_STATUS_CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}

function toChange(document: Pick<VaultItem, 'storeName' | 'itemId' | 'itemName' | 'payloadSize' | 'updatedAt' | 'deletedAt' | 'serverVersion'>): ChangeDto {
  const deletedAt = document.deletedAt ?? null;
  const change: ChangeDto = {
    storeName: document.storeName,
    itemId: document.itemId,
    serverVersion: document.serverVersion,
    updatedAt: document.updatedAt,
    deletedAt,
  };
  if (deletedAt === null) {
    change.itemName = document.itemName ?? '';
    change.payloadSize = document.payloadSize;
  }
  return change;
}

function invalidCursor(): ApiException {
  return new ApiException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.ValidationFailed,
    'Validation failed: cursor is not a cursor this server issued. Send the nextCursor of a previous page, or none.',
    { fields: [{ field: 'cursor', errors: ['cursor is not a cursor this server issued'] }] },
  );
}

function cursorExpired(): ApiException {
  return new ApiException(
    HttpStatus.GONE,
    ErrorCode.CursorExpired,
    'The cursor is older than the kept deletion records or does not belong to this account. Sync in full without a cursor.',
  );
}
