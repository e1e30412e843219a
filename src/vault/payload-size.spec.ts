import { decodedBase64Length, payloadSize } from './payload-size';

describe('decodedBase64Length', () => {
  it.each([0, 1, 2, 3, 4, 5, 16, 12, 1000, 1001, 1002])('matches Buffer for %i bytes', (bytes) => {
    const encoded = Buffer.alloc(bytes, 7).toString('base64');
    expect(decodedBase64Length(encoded)).toBe(bytes);
  });
});

describe('payloadSize', () => {
  it('adds the decoded salt, IV and data', () => {
    const payload = {
      salt: Buffer.alloc(16).toString('base64'),
      iv: Buffer.alloc(12).toString('base64'),
      data: Buffer.alloc(100).toString('base64'),
    };
    expect(payloadSize(payload)).toBe(128);
  });
});
