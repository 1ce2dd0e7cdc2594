import { ModelFormatError } from '@x/core';
import { createTokenizerFromHfJson } from './create-tokenizer-from-hf-json.js';
import { type HfNode, isNode } from './hf-json.js';
import { KEEPS_SPACES } from './pre-tokenizer-patterns.js';
import type { Tokenizer } from './tokenizer.js';

export interface VocabMergesFiles {
  /** vocab.json: token → id. */
  vocab: unknown;
  /** merges.txt text: one "left right" pair per line, optional `#version` header. */
  merges: string;
  /** tokenizer_config.json (added_tokens_decoder, bos/eos, tokenizer_class). */
  config?: HfNode;
  /** added_tokens.json: token → id. */
  addedTokens?: unknown;
}

const QWEN2_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** A GPT-2-style byte-level BPE from vocab.json + merges.txt, described as the equivalent tokenizer.json. */
export function createTokenizerFromVocabMerges(files: VocabMergesFiles, source?: string): Tokenizer {
  if (!isNode(files.vocab)) throw new ModelFormatError('vocab.json is not an object', { path: source });
  const config = files.config ?? {};
  const merges = files.merges
    .split(/\r?\n/)
    .filter((line) => line.length > 0 && !line.startsWith('#version'));
  const qwen2 = String(config.tokenizer_class ?? '').startsWith('Qwen2');
  const json = {
    model: { type: 'BPE', vocab: files.vocab, merges },
    added_tokens: addedTokens(config, files.addedTokens),
    normalizer: qwen2 ? { type: 'NFC' } : null,
    pre_tokenizer: qwen2
      ? {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: QWEN2_REGEX }, behavior: 'Isolated', invert: false },
            { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
          ],
        }
      : { type: 'ByteLevel', add_prefix_space: config.add_prefix_space === true, use_regex: true },
    decoder: { type: 'ByteLevel' },
  };
  const cleanSpaces = config.clean_up_tokenization_spaces ?? !KEEPS_SPACES.has(qwen2 ? 'qwen2' : '');
  return createTokenizerFromHfJson(json, { ...config, clean_up_tokenization_spaces: cleanSpaces }, source);
}

function addedTokens(config: HfNode, extra: unknown): HfNode[] {
  const byId = new Map<number, HfNode>();
  if (isNode(config.added_tokens_decoder)) {
    for (const [id, entry] of Object.entries(config.added_tokens_decoder)) {
      if (isNode(entry)) byId.set(Number(id), { ...entry, id: Number(id) });
    }
  }
  if (isNode(extra)) {
    for (const [content, id] of Object.entries(extra)) {
      if (typeof id === 'number' && !byId.has(id)) byId.set(id, { id, content, special: true });
    }
  }
  return [...byId.values()];
}
