import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FragmentCache } from './fragment-cache.js';
import { loadTokenizer } from './load-tokenizer.js';
import { vocabDir } from './testing/vocab-dir.js';

describe('FragmentCache', () => {
  it('encodes each long fragment once per first flag, and appends the same ids on a hit', () => {
    const calls: string[] = [];
    const encode = (text: string, first: boolean, out: number[]) => {
      calls.push(`${first}:${text}`);
      for (const char of text) out.push(char.charCodeAt(0) + (first ? 1000 : 0));
    };
    const cache = new FragmentCache(4, 1 << 10);
    const take = (text: string, first: boolean) => {
      const out = [7];
      cache.encode(text, first, out, encode);
      return out;
    };
    const demo = 'Ann has 23 apples';
    expect(take(demo, false)).toEqual([7, ...[...demo].map((c) => c.charCodeAt(0))]);
    expect(take(demo, false)).toEqual(take(demo, false));
    expect(take(demo, true)[1]).toBe(demo.charCodeAt(0) + 1000);
    // Short fragments are never kept.
    take('abc', false);
    take('abc', false);
    expect(calls).toEqual([`false:${demo}`, `true:${demo}`, 'false:abc', 'false:abc']);
  });

  it('drops the least recently used fragments past maxChars', () => {
    let calls = 0;
    const encode = (_: string, __: boolean, out: number[]) => {
      calls++;
      out.push(1);
    };
    const cache = new FragmentCache(4, 40);
    const a = 'a'.repeat(10);
    const b = 'b'.repeat(10);
    const c = 'c'.repeat(10);
    for (const text of [a, b, c, a]) cache.encode(text, false, [], encode);
    expect(calls).toBe(3);
    // d pushes out b (a was used last), so b is encoded again, a is not.
    cache.encode('d'.repeat(10), false, [], encode);
    cache.encode(a, false, [], encode);
    expect(calls).toBe(4);
    cache.encode(b, false, [], encode);
    expect(calls).toBe(5);
  });

  it("a tokenizer's repeated prompts give the ids of a fresh tokenizer's", async () => {
    const file = path.join(vocabDir, 'ggml-vocab-llama-spm.gguf');
    const warm = await loadTokenizer(file);
    const demos = Array.from(
      { length: 16 },
      (_, i) => `[INST] Ann has ${i} apples and gets ${i * 7} more. [/INST] ${i * 8} </s><s>`,
    ).join('');
    const prompts = [0, 1, 2].map(
      (q) => `<s>[INST] Sum the numbers. [/INST] ok </s><s>${demos}[INST] Bob has ${q} pears. [/INST]`,
    );
    for (const prompt of [...prompts, ...prompts]) {
      const fresh = await loadTokenizer(file);
      expect(warm.encode(prompt)).toEqual(fresh.encode(prompt));
      expect(warm.encode(prompt, { addSpecial: false })).toEqual(fresh.encode(prompt, { addSpecial: false }));
    }
  });
});
