import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexOfText } from './sha256.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(sha256Hex(text(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(text('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it("agrees with node:crypto at every length around the padding's block edges and on long input", () => {
    for (const length of [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 70_001]) {
      const bytes = randomBytes(length);
      expect(sha256Hex(bytes), `length ${length}`).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('hashes text the same through node:crypto and through sha256Hex (non-ASCII and lone surrogates too)', () => {
    for (const sample of ['', 'abc', 'ünïcödé 字 🙂', 'lone \ud800 surrogate', 'x'.repeat(5000)]) {
      const expected = createHash('sha256').update(new TextEncoder().encode(sample)).digest('hex');
      expect(sha256HexOfText(sample)).toBe(expected);
      expect(sha256HexOfText(sample, { createHash })).toBe(expected);
      expect(sha256HexOfText(sample, null)).toBe(expected);
    }
  });
});
