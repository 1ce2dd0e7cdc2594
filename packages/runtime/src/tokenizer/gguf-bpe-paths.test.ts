import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GGUFValue } from '../gguf/index.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { byteLevelEncode } from './byte-level.js';
import { createTokenizerFromGGUFMetadata } from './create-tokenizer-from-gguf-metadata.js';
import { llama3SpecialTokens } from './create-tokenizer-from-tiktoken.js';
import { readVocabVectors } from './testing/llama-cpp-vectors.js';
import { vocabDir } from './testing/vocab-dir.js';

// The llama-bpe and qwen2 vocab GGUFs are not here; these build the GGUF metadata llama.cpp's converter
// would write from the same tokenizer files, so the GGUF code path meets the same vectors.

function vectors(name: string) {
  return readVocabVectors(
    path.join(vocabDir, `ggml-vocab-${name}.gguf.inp`),
    path.join(vocabDir, `ggml-vocab-${name}.gguf.out`),
  );
}

/** Merges from tiktoken ranks as transformers' TikTokenConverter derives them. */
function mergesFromRanks(tokens: string[]): string[] {
  const rank = new Map(tokens.map((token, id) => [token, id]));
  const merges: string[] = [];
  tokens.forEach((token) => {
    const local: Array<[string, string, number, number]> = [];
    for (let i = 1; i < token.length; i++) {
      const left = rank.get(token.slice(0, i));
      const right = rank.get(token.slice(i));
      if (left !== undefined && right !== undefined)
        local.push([token.slice(0, i), token.slice(i), left, right]);
    }
    local.sort((a, b) => a[2] - b[2] || a[3] - b[3]);
    for (const [left, right] of local) merges.push(`${left} ${right}`);
  });
  return merges;
}

describe('GGUF byte-level BPE paths', () => {
  it('llama-bpe (llama3 pre-tokenizer, ignore_merges) from the tiktoken ranks', () => {
    const ranks = readFileSync(
      path.join(sharedModelsDir, 'tokenizers/llama3-tiktoken/tokenizer.model'),
      'utf8',
    );
    const tokens = ranks
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => byteLevelEncode(Buffer.from(line.split(' ')[0] as string, 'base64')));
    const specials = llama3SpecialTokens();
    const metadata: Record<string, GGUFValue> = {
      'tokenizer.ggml.model': 'gpt2',
      'tokenizer.ggml.pre': 'llama-bpe',
      'tokenizer.ggml.tokens': [...tokens, ...specials],
      'tokenizer.ggml.token_type': [...tokens.map(() => 1), ...specials.map(() => 3)],
      'tokenizer.ggml.merges': mergesFromRanks(tokens),
      'tokenizer.ggml.bos_token_id': 128000,
      'tokenizer.ggml.eos_token_id': 128001,
    };
    const tokenizer = createTokenizerFromGGUFMetadata(metadata);
    for (const { text, ids } of vectors('llama-bpe')) {
      expect({ text, ids: tokenizer.encode(text, { addSpecial: false, parseSpecial: false }) }).toEqual({
        text,
        ids,
      });
    }
    expect(tokenizer.encode('Hi')).toEqual([128000, 13347]);
    expect(tokenizer.stopIds).toEqual(new Set([128001, 128008, 128009]));
  });

  it('qwen2 from vocab.json + merges.txt', () => {
    const folder = path.join(sharedModelsDir, 'tokenizers/qwen2-bpe');
    const vocab = JSON.parse(readFileSync(path.join(folder, 'vocab.json'), 'utf8')) as Record<string, number>;
    const added = JSON.parse(readFileSync(path.join(folder, 'added_tokens.json'), 'utf8')) as Record<
      string,
      number
    >;
    const tokens: string[] = [];
    const types: number[] = [];
    for (const [text, id] of Object.entries(vocab)) {
      tokens[id] = text;
      types[id] = 1;
    }
    for (const [text, id] of Object.entries(added)) {
      tokens[id] = text;
      types[id] = 3;
    }
    const merges = readFileSync(path.join(folder, 'merges.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#'));
    const tokenizer = createTokenizerFromGGUFMetadata({
      'tokenizer.ggml.model': 'gpt2',
      'tokenizer.ggml.pre': 'qwen2',
      'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.token_type': types,
      'tokenizer.ggml.merges': merges,
      'tokenizer.ggml.eos_token_id': 151645,
      'tokenizer.ggml.add_bos_token': false,
    });
    for (const { text, ids } of vectors('qwen2')) {
      expect({ text, ids: tokenizer.encode(text, { addSpecial: false, parseSpecial: false }) }).toEqual({
        text,
        ids,
      });
    }
    expect(tokenizer.encode('<|im_start|>user<|im_end|>')).toEqual([151644, 872, 151645]);
    expect(tokenizer.stopIds.has(151645) && tokenizer.stopIds.has(151643)).toBe(true);
    expect(tokenizer.decode(tokenizer.encode(' What ?  '))).toBe(' What ?  ');
  });
});
