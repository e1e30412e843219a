import { ApiException } from '../common/errors/api-exception';
import { formatEntityTag, parseIfMatch } from './conditional-request';

describe('parseIfMatch', () => {
  it('returns undefined without a header', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it('parses the wildcard', () => {
    expect(parseIfMatch(' * ')).toEqual({ any: true });
  });

  it('parses one strong tag', () => {
    expect(parseIfMatch(formatEntityTag(42))).toEqual({ versions: [42] });
  });

  it('parses a list of tags', () => {
    expect(parseIfMatch('"1", "7"')).toEqual({ versions: [1, 7] });
  });

  it('ignores weak tags', () => {
    expect(parseIfMatch('W/"3"')).toEqual({ versions: [] });
    expect(parseIfMatch('W/"3", "4"')).toEqual({ versions: [4] });
  });

  it.each(['', '42', '"abc"', '"-1"', '"1.5"', '"01"', '"1",,', '"99999999999999999"'])('rejects %p with 422', (header) => {
    expect(() => parseIfMatch(header)).toThrow(ApiException);
    try {
      parseIfMatch(header);
    } catch (error) {
      expect((error as ApiException).getStatus()).toBe(422);
    }
  });
});
