import { describeError } from './describe-error';

describe('describeError', () => {
  it('includes name, code and message', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' });
    expect(describeError(error)).toBe('Error (ESOCKET): connect ECONNREFUSED 127.0.0.1:2525');
  });

  it('describes a thrown non-error', () => {
    expect(describeError('timeout')).toBe('timeout');
  });

  it('masks secrets and their URL-encoded form', () => {
    const token = 'abc_DEF-123';
    const link = `https://example.com/reset-account?token=${token}&email=ana%2Bx%40example.com`;
    const error = new Error(`failed ${link} then ${token} and ${encodeURIComponent('a b/c')}`);

    const description = describeError(error, [token, link, 'a b/c']);

    expect(description).toBe('Error: failed [redacted] then [redacted] and [redacted]');
  });

  it('masks email addresses', () => {
    const error = new Error("Can't send mail - all recipients were rejected: 550 <ana.sync+x@example.com>: unknown user");
    const description = describeError(error);

    expect(description).not.toContain('ana.sync');
    expect(description).toContain('550 <[redacted]>: unknown user');
  });

  it('ignores empty secrets', () => {
    expect(describeError(new Error('plain'), [''])).toBe('Error: plain');
  });
});
