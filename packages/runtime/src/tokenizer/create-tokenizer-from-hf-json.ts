import { ModelFormatError, UnsupportedError } from '@x/core';
import { BpeModel } from './bpe-model.js';
import { type HfNode, isNode, nodeType, tokenContent } from './hf-json.js';
import { hfNormalizer } from './hf-normalizer.js';
import { hfPreTokenizer } from './hf-pre-tokenizer.js';
import { hfSpecialIds } from './hf-special-ids.js';
import { byteLevelPieceBytes, spmPieceBytes } from './piece-bytes.js';
import { TokenType } from './token-type.js';
import type { Tokenizer } from './tokenizer.js';
import { Vocab } from './vocab.js';
import { VocabTokenizer } from './vocab-tokenizer.js';

/** Builds a tokenizer from a parsed Hugging Face tokenizer.json (BPE models), with tokenizer_config.json. */
export function createTokenizerFromHfJson(json: unknown, config: HfNode = {}, source?: string): Tokenizer {
  if (!isNode(json) || !isNode(json.model)) {
    throw new ModelFormatError('not a tokenizer.json', { path: source, expected: 'an object with a model' });
  }
  const modelType = json.model.type ?? 'BPE';
  if (modelType !== 'BPE') {
    throw new UnsupportedError(
      'tokenizer.json model',
      `tokenizer model '${String(modelType)}' is not supported`,
    );
  }
  const model = json.model;
  if (!isNode(model.vocab)) throw new ModelFormatError('tokenizer.json model has no vocab', { path: source });
  const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []).filter(isNode);
  const { tokens, types } = buildTokens(model.vocab, added, source);
  const vocab = new Vocab(tokens, types, source);

  const ranks = new Map<string, number>();
  (Array.isArray(model.merges) ? model.merges : []).forEach((merge: unknown, rank) => {
    const key = Array.isArray(merge) ? merge.join(' ') : String(merge);
    if (!ranks.has(key)) ranks.set(key, rank);
  });
  const normalize = hfNormalizer(json.normalizer, source);
  const { preTokenize, byteLevel: preByteLevel } = hfPreTokenizer(json.pre_tokenizer, source);
  const byteLevel = preByteLevel || (isNode(json.decoder) && json.decoder.type === 'ByteLevel');
  const byteFallback = model.byte_fallback === true;
  const unknown = typeof model.unk_token === 'string' ? vocab.idOf.get(model.unk_token) : undefined;
  const bpe = new BpeModel({
    vocab,
    rank: (left, right) => ranks.get(left + ' ' + right),
    preTokenize: (text, first) => preTokenize(normalize(text), first),
    byteLevel,
    ignoreMerges: model.ignore_merges === true,
    byteFallback,
    unknownId: unknown,
    fuseUnknown: model.fuse_unk === true,
    wordMarker:
      !byteLevel && vocab.tokens.every((token) => !/[^\u2581]\u2581/.test(token)) ? '\u2581' : undefined,
  });

  const specials = vocab.specialTokens((id) => {
    const entry = added.find((token) => token.id === id);
    return { lstrip: entry?.lstrip === true, rstrip: entry?.rstrip === true };
  });
  const ids = hfSpecialIds(json.post_processor, config, vocab);
  return new VocabTokenizer({
    kind: byteLevel ? 'bpe' : 'spm',
    vocab,
    model: bpe,
    specials,
    pieceBytes: (id) => (byteLevel ? byteLevelPieceBytes(vocab, id) : spmPieceBytes(vocab, id, byteFallback)),
    bosId: ids.bosId,
    eosId: ids.eosId,
    prefixIds: ids.prefixIds,
    suffixIds: ids.suffixIds,
    stopIds: ids.stopIds,
    stripLeadingSpace: !byteLevel && stripsLeadingSpace(json.decoder),
    cleanSpaces: config.clean_up_tokenization_spaces === true,
  });
}

function buildTokens(
  vocabNode: HfNode,
  added: HfNode[],
  source?: string,
): { tokens: string[]; types: Uint8Array } {
  const entries = Object.entries(vocabNode);
  let size = 0;
  for (const [, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new ModelFormatError('tokenizer.json vocab has a bad id', { path: source, got: String(id) });
    }
    if (id >= size) size = id + 1;
  }
  for (const token of added) if (typeof token.id === 'number') size = Math.max(size, token.id + 1);
  const tokens: string[] = new Array(size).fill('');
  const types = new Uint8Array(size).fill(TokenType.unused);
  for (const [text, id] of entries) {
    tokens[id as number] = text;
    types[id as number] = TokenType.normal;
  }
  for (const token of added) {
    const content = tokenContent(token);
    if (typeof token.id !== 'number' || content === undefined) continue;
    tokens[token.id] = content;
    types[token.id] = token.special === true ? TokenType.control : TokenType.userDefined;
  }
  return { tokens, types };
}

/** Whether the decoder drops the space SentencePiece put before the first word. */
function stripsLeadingSpace(decoder: unknown): boolean {
  if (!isNode(decoder)) return false;
  const type = nodeType(decoder, 'decoder');
  if (type === 'Sequence')
    return (Array.isArray(decoder.decoders) ? decoder.decoders : []).some(stripsLeadingSpace);
  if (type === 'Strip') return Number(decoder.start ?? 0) > 0 && decoder.content === ' ';
  if (type === 'Metaspace') return decoder.prepend_scheme !== 'never' && decoder.add_prefix_space !== false;
  return false;
}
