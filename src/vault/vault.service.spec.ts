import { Types } from 'mongoose';
import { contentHash, deletionFilter, ifMatchFilter, lastWriteWinsFilter } from './vault.service';

const key = { userId: new Types.ObjectId('64b7f0c2a1b2c3d4e5f60718'), storeName: 'kanban-boards', itemId: 'a' };
const payload = { salt: 'c2FsdA==', iv: 'aXY=', data: 'ZGF0YQ==' };

describe('lastWriteWinsFilter', () => {
  it('matches older live copies, differing ties and older tombstones', () => {
    expect(lastWriteWinsFilter(key, 1000, 'hash')).toEqual({
      ...key,
      $or: [
        { deletedAt: null, updatedAt: { $lt: 1000 } },
        { deletedAt: null, updatedAt: 1000, contentHash: { $ne: 'hash' } },
        { deletedAt: { $ne: null, $lt: 1000 } },
      ],
    });
  });
});

describe('deletionFilter', () => {
  it('matches a live copy not newer than the deletion', () => {
    expect(deletionFilter(key, 2000)).toEqual({ ...key, deletedAt: null, updatedAt: { $lte: 2000 } });
  });
});

describe('ifMatchFilter', () => {
  it('matches any live copy for the wildcard', () => {
    expect(ifMatchFilter(key, { any: true })).toEqual({ ...key, deletedAt: null });
  });

  it('matches the listed versions', () => {
    expect(ifMatchFilter(key, { versions: [3, 4] })).toEqual({ ...key, serverVersion: { $in: [3, 4] } });
  });
});

describe('contentHash', () => {
  it('is equal for equal content', () => {
    expect(contentHash({ itemName: 'A', encryptedPayload: payload, updatedAt: 1 })).toBe(
      contentHash({ itemName: 'A', encryptedPayload: { ...payload }, updatedAt: 2 }),
    );
  });

  it('differs when the name or payload differs', () => {
    const base = contentHash({ itemName: 'A', encryptedPayload: payload, updatedAt: 1 });
    expect(contentHash({ itemName: 'B', encryptedPayload: payload, updatedAt: 1 })).not.toBe(base);
    expect(contentHash({ itemName: 'A', encryptedPayload: { ...payload, iv: 'aXY9' }, updatedAt: 1 })).not.toBe(base);
  });
});
