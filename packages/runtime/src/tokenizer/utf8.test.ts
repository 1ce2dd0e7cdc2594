import { describe, expect, it } from 'vitest';
import { utf8Encode } from './utf8.js';

const encoder = new TextEncoder();

describe('utf8Encode', () => {
  it('gives TextEncoder.encode bytes for random UTF-16 (lone and paired surrogates, every width)', () => {
    let state = 11;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const ranges = [
      [0, 0x80],
      [0x80, 0x800],
      [0x800, 0xd800],
      [0xd800, 0xdc00],
      [0xdc00, 0xe000],
      [0xe000, 0x10000],
    ] as const;
    for (let trial = 0; trial < 4000; trial++) {
      const length = Math.floor(next() * 80);
      const units = Array.from({ length }, () => {
        const [lo, hi] = ranges[Math.floor(next() * ranges.length)]!;
        return lo + Math.floor(next() * (hi - lo));
      });
      const text = String.fromCharCode(...units);
      expect(utf8Encode(text)).toEqual(encoder.encode(text));
    }
  });

  it('gives TextEncoder.encode bytes at the edges of each width and of the short-string buffer', () => {
    const points = [0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff, 0x2581];
    for (const point of points) {
      const text = String.fromCodePoint(point);
      expect(utf8Encode(text)).toEqual(encoder.encode(text));
      expect(utf8Encode(`a${text}b`)).toEqual(encoder.encode(`a${text}b`));
    }
    for (const length of [255, 256, 257, 1000]) {
      for (const unit of ['a', '\u2581', '\ud83e\udd99']) {
        const text = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
        expect(utf8Encode(text)).toEqual(encoder.encode(text));
      }
    }
    for (const text of ['', '\ud800', '\udc00', '\ud800\ud800', '\udc00\ud800', 'x\ud83d']) {
      expect(utf8Encode(text)).toEqual(encoder.encode(text));
    }
  });
});
