import { ModelFormatError } from '@x/core';
import { BpeModel } from './bpe-model.js';
import { byteLevelEncode } from './byte-level.js';
import { byteLevelPieceBytes } from './piece-bytes.js';
import { preTokenizerPatterns } from './pre-tokenizer-patterns.js';
import { END_OF_GENERATION_TEXTS } from './special-token-names.js';
import { splitByRegexes } from './split-by-regexes.js';
import { TokenType } from './token-type.js';
import type { Tokenizer } from './tokenizer.js';
import { Vocab } from './vocab.js';
import { VocabTokenizer } from './vocab-tokenizer.js';

export interface TiktokenOptions {
  /** Special tokens, numbered after the ranks (default: Llama 3's 256). */
  specialTokens?: readonly string[];
  /** A `tokenizer.ggml.pre` name for the split pattern (default 'llama3'). */
  pre?: string;
  bosToken?: string;
  eosToken?: string;
  addBos?: boolean;
}

/** Llama 3's special tokens (meta-llama/llama-models tokenizer.py), ids 128000–128255. */
export function llama3SpecialTokens(): string[] {
  const named = [
    '<|begin_of_text|>',
    '<|end_of_text|>',
    '<|reserved_special_token_0|>',
    '<|reserved_special_token_1|>',
    '<|finetune_right_pad_id|>',
    '<|reserved_special_token_2|>',
    '<|start_header_id|>',
    '<|end_header_id|>',
    '<|eom_id|>',
    '<|eot_id|>',
    '<|python_tag|>',
  ];
  const reserved = Array.from(
    { length: 256 - named.length },
    (_, i) => `<|reserved_special_token_${i + 3}|>`,
  );
  return [...named, ...reserved];
}

/** A byte-level BPE from a tiktoken ranks file (`base64 rank` per line): a pair merges by the rank of its join. */
export function createTokenizerFromTiktoken(
  text: string,
  options: TiktokenOptions = {},
  source?: string,
): Tokenizer {
  const tokens: string[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const entry = (lines[line] as string).trim();
    if (entry.length === 0) continue;
    const [base64, rankText] = entry.split(' ');
    const rank = Number(rankText);
    if (base64 === undefined || !Number.isInteger(rank) || rank !== tokens.length) {
      throw new ModelFormatError('bad tiktoken line', {
        path: source,
        offset: line + 1,
        expected: `rank ${tokens.length}`,
        got: entry.slice(0, 40),
      });
    }
    tokens.push(byteLevelEncode(Buffer.from(base64, 'base64')));
  }
  const specialTokens = options.specialTokens ?? llama3SpecialTokens();
  const types = new Uint8Array(tokens.length + specialTokens.length).fill(TokenType.normal);
  types.fill(TokenType.control, tokens.length);
  const vocab = new Vocab([...tokens, ...specialTokens], types, source);
  const patterns = preTokenizerPatterns(options.pre ?? 'llama3');
  const model = new BpeModel({
    vocab,
    rank: (left, right) => {
      const id = vocab.idOf.get(left + right);
      return id !== undefined && id < tokens.length ? id : undefined;
    },
    preTokenize: (fragment) => splitByRegexes(fragment, patterns),
    byteLevel: true,
    ignoreMerges: true,
  });
  const bosId = vocab.idOf.get(options.bosToken ?? '<|begin_of_text|>');
  const eosId = vocab.idOf.get(options.eosToken ?? '<|end_of_text|>');
  const stopIds = new Set<number>(END_OF_GENERATION_TEXTS.flatMap((name) => vocab.idOf.get(name) ?? []));
  if (eosId !== undefined) stopIds.add(eosId);
  return new VocabTokenizer({
    kind: 'bpe',
    vocab,
    model,
    specials: vocab.specialTokens(),
    pieceBytes: (id) => byteLevelPieceBytes(vocab, id),
    bosId,
    eosId,
    prefixIds: (options.addBos ?? true) && bosId !== undefined ? [bosId] : [],
    stopIds,
    cleanSpaces: true,
  });
}
