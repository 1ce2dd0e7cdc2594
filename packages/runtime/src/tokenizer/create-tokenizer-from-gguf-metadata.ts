import { ModelFormatError, UnsupportedError } from '@x/core';
import type { GGUFValue } from '../gguf/index.js';
import { BpeModel } from './bpe-model.js';
import { GGUFMetadataReader } from './gguf-metadata-reader.js';
import { byteLevelPieceBytes, spmPieceBytes } from './piece-bytes.js';
import { KEEPS_SPACES, preTokenizerPatterns } from './pre-tokenizer-patterns.js';
import { END_OF_GENERATION_TEXTS, FIM_END_OF_GENERATION_TEXTS, FIM_TEXTS } from './special-token-names.js';
import { splitByRegexes } from './split-by-regexes.js';
import { SpmModel } from './spm-model.js';
import { TokenType } from './token-type.js';
import type { Tokenizer } from './tokenizer.js';
import { Vocab } from './vocab.js';
import { VocabTokenizer } from './vocab-tokenizer.js';
import { WpmModel } from './wpm-model.js';

const LLAMA3_PRE = new Set([
  'llama3',
  'llama-v3',
  'llama-bpe',
  'falcon3',
  'falcon-h1',
  'pixtral',
  'lfm2',
  'midm-2.0',
]);

/** Builds the tokenizer a GGUF file describes (`tokenizer.ggml.*`), matching llama.cpp's llama-vocab. */
export function createTokenizerFromGGUFMetadata(
  metadata: Record<string, GGUFValue>,
  source?: string,
): Tokenizer {
  const meta = new GGUFMetadataReader(metadata, source);
  const modelName = meta.string('tokenizer.ggml.model');
  const tokens = meta.strings('tokenizer.ggml.tokens');
  if (modelName === undefined || tokens === undefined) {
    throw new ModelFormatError('GGUF has no tokenizer metadata', {
      path: source,
      expected: 'tokenizer.ggml.model and tokenizer.ggml.tokens',
      got: modelName === undefined ? 'no tokenizer.ggml.model' : 'no tokenizer.ggml.tokens',
    });
  }
  const types = Uint8Array.from(
    meta.numbers('tokenizer.ggml.token_type') ?? tokens.map(() => TokenType.normal),
  );
  const pre = meta.string('tokenizer.ggml.pre');
  const stopIds = new Set<number>();
  markAutoDetectedSpecials(tokens, types, stopIds);
  const vocab = new Vocab(tokens, types, source);
  const inRange = (id: number | undefined) =>
    id !== undefined && id >= 0 && id < tokens.length ? id : undefined;
  const idOr = (key: string, fallback: number | undefined) =>
    inRange(meta.number(`tokenizer.ggml.${key}`) ?? fallback);

  let kind: string;
  let model: SpmModel | BpeModel | WpmModel;
  let bosId: number | undefined;
  let eosId: number | undefined;
  let addBos: boolean;
  let stripLeadingSpace = false;
  let cleanSpaces = false;
  let pieceBytes: (id: number) => Uint8Array;
  let sepId: number | undefined;
  if (modelName === 'llama') {
    kind = 'spm';
    bosId = idOr('bos_token_id', 1);
    eosId = idOr('eos_token_id', 2);
    addBos = true;
    const addSpacePrefix = meta.boolean('tokenizer.ggml.add_space_prefix') ?? true;
    stripLeadingSpace = addSpacePrefix;
    const scores = meta.numbers('tokenizer.ggml.scores') ?? tokens.map(() => 0);
    model = new SpmModel(vocab, scores, addSpacePrefix);
    pieceBytes = (id) => spmPieceBytes(vocab, id, false);
  } else if (modelName === 'gpt2') {
    kind = 'bpe';
    bosId = idOr('bos_token_id', undefined);
    eosId = idOr('eos_token_id', undefined);
    addBos = LLAMA3_PRE.has(pre ?? '') || pre === 'tekken' || pre === 'chameleon';
    cleanSpaces = !KEEPS_SPACES.has(pre ?? '');
    const merges = meta.strings('tokenizer.ggml.merges');
    if (merges === undefined) {
      throw new ModelFormatError('BPE tokenizer has no merges', {
        path: source,
        expected: 'tokenizer.ggml.merges',
      });
    }
    const ranks = new Map<string, number>();
    merges.forEach((merge, rank) => {
      if (!ranks.has(merge)) ranks.set(merge, rank);
    });
    const patterns = preTokenizerPatterns(pre);
    model = new BpeModel({
      vocab,
      rank: (left, right) => ranks.get(left + ' ' + right),
      preTokenize: (text) => splitByRegexes(text, patterns),
      byteLevel: true,
      ignoreMerges: LLAMA3_PRE.has(pre ?? '') || pre === 'tekken' || pre === 'minicpm5',
    });
    pieceBytes = (id) => byteLevelPieceBytes(vocab, id);
  } else if (modelName === 'bert') {
    kind = 'wpm';
    bosId = idOr('cls_token_id', idOr('bos_token_id', 101));
    eosId = idOr('eos_token_id', undefined);
    sepId = idOr('seperator_token_id', 102);
    addBos = true;
    cleanSpaces = true;
    const lowercase = meta.boolean('tokenizer.ggml.normalizer.lowercase') ?? true;
    model = new WpmModel(vocab, idOr('unknown_token_id', 100), lowercase);
    pieceBytes = (id) => spmPieceBytes(vocab, id, false);
  } else {
    throw new UnsupportedError('tokenizer.ggml.model', `tokenizer model '${modelName}' is not supported`);
  }

  addBos = meta.boolean('tokenizer.ggml.add_bos_token') ?? addBos;
  const addEos = meta.boolean('tokenizer.ggml.add_eos_token') ?? false;
  for (const key of ['eos_token_id', 'eot_token_id', 'eom_token_id']) {
    const id = inRange(meta.number(`tokenizer.ggml.${key}`));
    if (id !== undefined) stopIds.add(id);
  }
  if (eosId !== undefined) stopIds.add(eosId);

  const phi3 = /phi-?3/.test((meta.string('general.name') ?? '').toLowerCase());
  const specials = vocab.specialTokens((id) => ({
    lstrip: false,
    rstrip: phi3 && !PHI3_NO_RSTRIP.has(tokens[id] ?? ''),
  }));
  const prefixIds = addBos && bosId !== undefined ? [bosId] : [];
  const suffixIds = [
    ...(kind === 'wpm' && sepId !== undefined ? [sepId] : []),
    ...(addEos && eosId !== undefined ? [eosId] : []),
  ];
  return new VocabTokenizer({
    kind,
    vocab,
    model,
    specials,
    pieceBytes,
    bosId,
    eosId,
    prefixIds,
    suffixIds,
    stopIds,
    stripLeadingSpace,
    cleanSpaces,
  });
}

const PHI3_NO_RSTRIP = new Set(['<unk>', '<s>', '<|endoftext|>']);

/** llama.cpp's text-based special detection: EOG/EOT/FIM names become control tokens; EOG ones stop. */
function markAutoDetectedSpecials(tokens: readonly string[], types: Uint8Array, stopIds: Set<number>): void {
  const control = new Set([...END_OF_GENERATION_TEXTS, ...FIM_TEXTS, ...FIM_END_OF_GENERATION_TEXTS]);
  const stops = new Set([...END_OF_GENERATION_TEXTS, ...FIM_END_OF_GENERATION_TEXTS]);
  tokens.forEach((text, id) => {
    if (!control.has(text)) return;
    if (types[id] !== TokenType.control) types[id] = TokenType.control;
    if (stops.has(text)) stopIds.add(id);
  });
}
