import { decodeCursor, encodeCursor } from './sync-cursor';

describe('sync cursor', () => {
  it.each([0, 1, 42, 9_007_199_254_740_991])('round-trips version %d', (version) => {
    expect(decodeCursor(encodeCursor(version))).toBe(version);
  });

  it('uses only base64url characters', () => {
    expect(encodeCursor(123456)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty text', ''],
    ['plain number', '12'],
    ['wrong prefix', Buffer.from('v2:12').toString('base64url')],
    ['negative version', Buffer.from('v1:-3').toString('base64url')],
    ['leading zero', Buffer.from('v1:012').toString('base64url')],
    ['fraction', Buffer.from('v1:1.5').toString('base64url')],
    ['unsafe integer', Buffer.from('v1:9999999999999999').toString('base64url')],
    ['padding and plus', 'djE6MTI=+'],
    ['overlong text', 'A'.repeat(65)],
  ])('rejects %s', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
