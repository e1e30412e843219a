import { ITEM_ID_MAX_LENGTH, ITEM_ID_PATTERN } from './decorators';

describe('ITEM_ID_PATTERN', () => {
  it.each([
    'board-2f1c9a',
    '3f1c9a2e-7b1d-4c2a-9e8f-0a1b2c3d4e5f',
    'Notes 2024 (draft).md',
    'ünïcödé-名前',
    'emoji-😀',
    '...',
    '.hidden',
    'a'.repeat(ITEM_ID_MAX_LENGTH),
  ])('accepts %s', (itemId) => {
    expect(ITEM_ID_PATTERN.test(itemId)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['dot', '.'],
    ['dot dot', '..'],
    ['slash', 'a/b'],
    ['backslash', 'a\\b'],
    ['NUL', 'a\u0000b'],
    ['newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00'],
  ])('rejects %s', (_label, itemId) => {
    expect(ITEM_ID_PATTERN.test(itemId)).toBe(false);
  });
});
