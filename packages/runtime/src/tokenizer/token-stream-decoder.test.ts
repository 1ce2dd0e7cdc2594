import { describe, expect, it } from 'vitest';
import { TokenStreamDecoder } from './token-stream-decoder.js';

describe('TokenStreamDecoder', () => {
  it('emits the text of every split of UTF-8 bytes into tokens, holding split characters', () => {
    const text = 'a€b😀c é\u{10348}';
    const bytes = new TextEncoder().encode(text);
    // Every way to cut the bytes into tokens of 1 to 3 bytes, by a seeded walk.
    let state = 7;
    for (let trial = 0; trial < 200; trial++) {
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        state = (state * 1103515245 + 12345) >>> 0;
        const size = Math.min(1 + (state % 3), bytes.length - at);
        pieces.push(bytes.subarray(at, at + size));
        at += size;
      }
      const decoder = new TokenStreamDecoder((id) => pieces[id]!);
      const deltas = pieces.map((_, id) => decoder.push(id));
      expect(deltas.join('') + decoder.flush()).toBe(text);
      // Nothing is held past a complete character.
      for (const delta of deltas) expect(delta).not.toMatch(/\uFFFD/);
    }
  });
});
