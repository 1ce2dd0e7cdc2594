import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from './load-tokenizer.js';
import { vocabDir } from './testing/vocab-dir.js';
import type { Tokenizer } from './tokenizer.js';

const unicodeText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constantFrom(0x0a, 0x09, 0x20, 0x20),
      fc.integer({ min: 0xa0, max: 0xd7ff }),
      fc.integer({ min: 0xe000, max: 0xfffd }),
      fc.integer({ min: 0x10000, max: 0x10ffff }),
    ),
    { maxLength: 40 },
  )
  .map((codes) => String.fromCodePoint(...codes));

function streamAll(
  tokenizer: Tokenizer,
  ids: number[],
  skipSpecial = false,
): { text: string; chunks: string[] } {
  const decoder = tokenizer.createStreamDecoder({ skipSpecial });
  const chunks = ids.map((id) => decoder.push(id));
  chunks.push(decoder.flush());
  return { text: chunks.join(''), chunks };
}

describe('decode and the stream decoder', () => {
  let spm: Tokenizer;
  let byteLevel: Tokenizer;
  let qwen: Tokenizer;
  beforeAll(async () => {
    spm = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
    byteLevel = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-deepseek-coder.gguf'));
    qwen = await loadTokenizer(path.join(sharedModelsDir, 'tokenizers/qwen2-bpe'));
  });

  it('holds an emoji split across byte-fallback tokens until its last byte', () => {
    const ids = spm.encode('🦙!', { addSpecial: false });
    // ▁ then the four <0xNN> bytes of U+1F999, then "!".
    expect(ids.map((id) => spm.tokenText(id))).toEqual(['▁', '<0xF0>', '<0x9F>', '<0xA6>', '<0x99>', '!']);
    const { chunks, text } = streamAll(spm, ids);
    expect(chunks).toEqual(['', '', '', '', '🦙', '!', '']);
    expect(text).toBe('🦙!');
  });

  it('holds a character split across byte-level tokens', () => {
    const ids = byteLevel.encode('日本語の', { addSpecial: false });
    const pieces = ids.map((id) => byteLevel.tokenBytes(id));
    expect(
      pieces.some((bytes) => new TextDecoder('utf-8', { fatal: false }).decode(bytes).includes('\ufffd')),
    ).toBe(true);
    const { chunks, text } = streamAll(byteLevel, ids);
    expect(text).toBe('日本語の');
    expect(chunks.every((chunk) => !chunk.includes('\ufffd'))).toBe(true);
  });

  it('flushes an unfinished character as U+FFFD', () => {
    const decoder = spm.createStreamDecoder();
    const [, first] = spm.encode('🦙', { addSpecial: false });
    expect(decoder.push(first as number)).toBe('');
    expect(decoder.flush()).toBe('\ufffd');
  });

  it('drops the SentencePiece prefix space of the first token only, as llama.cpp detokenize', () => {
    const ids = spm.encode('Hello world', { addSpecial: false });
    expect(spm.decode(ids)).toBe('Hello world');
    expect(spm.decode([spm.bosId as number, ...ids])).toBe('<s> Hello world');
    expect(spm.decode([spm.bosId as number, ...ids], { skipSpecial: true })).toBe(' Hello world');
  });

  it('round-trips arbitrary text through encode and decode', () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        for (const tokenizer of [spm, byteLevel, qwen]) {
          const ids = tokenizer.encode(text, { addSpecial: false, parseSpecial: false });
          const normalized = tokenizer === qwen ? text.normalize('NFC') : text;
          expect(tokenizer.decode(ids)).toBe(normalized);
          expect(streamAll(tokenizer, ids).text).toBe(normalized);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('streams the same text as decode, special tokens included or skipped', () => {
    const ids = qwen.encode('<|im_start|>user\nhé 🦙<|im_end|>', { addSpecial: false });
    expect(ids).toContain(151644);
    for (const skipSpecial of [false, true]) {
      expect(streamAll(qwen, ids, skipSpecial).text).toBe(qwen.decode(ids, { skipSpecial }));
    }
    expect(qwen.decode(ids, { skipSpecial: true })).toBe('user\nhé 🦙');
  });
});
