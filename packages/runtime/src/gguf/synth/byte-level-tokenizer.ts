import { GGUFValueType } from '../gguf-value-type.js';
import type { GGUFMetadataInput } from '../write-gguf-value.js';

const UNKNOWN = 2;
const CONTROL = 3;
const UNUSED = 5;
const BYTE = 6;

/** Tokens before the byte tokens: <unk> 0, <s> 1, </s> 2. */
export const BYTE_TOKENIZER_SPECIALS = 3;
/** The smallest vocabulary the built-in tokenizer fits in. */
export const BYTE_TOKENIZER_MIN_VOCAB = BYTE_TOKENIZER_SPECIALS + 256;

/**
 * A SentencePiece-style ("llama") vocabulary that spells every text with byte-fallback tokens
 * <0x00>..<0xFF>, padded with unused tokens up to `vocab`. llama.cpp loads it as is.
 */
export function byteLevelTokenizer(vocab: number): GGUFMetadataInput {
  if (vocab < BYTE_TOKENIZER_MIN_VOCAB) {
    throw new RangeError(
      `the built-in tokenizer needs a vocabulary of at least ${BYTE_TOKENIZER_MIN_VOCAB}, got ${vocab}`,
    );
  }
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [UNKNOWN, CONTROL, CONTROL];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(BYTE);
  }
  for (let id = tokens.length; id < vocab; id++) {
    tokens.push(`<unused${id}>`);
    types.push(UNUSED);
  }
  const u32 = (value: number) => ({ type: GGUFValueType.UINT32, value });
  return {
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': { type: GGUFValueType.ARRAY, elementType: GGUFValueType.STRING, value: tokens },
    'tokenizer.ggml.scores': {
      type: GGUFValueType.ARRAY,
      elementType: GGUFValueType.FLOAT32,
      value: new Array(vocab).fill(0),
    },
    'tokenizer.ggml.token_type': {
      type: GGUFValueType.ARRAY,
      elementType: GGUFValueType.INT32,
      value: types,
    },
    'tokenizer.ggml.unknown_token_id': u32(0),
    'tokenizer.ggml.bos_token_id': u32(1),
    'tokenizer.ggml.eos_token_id': u32(2),
    'tokenizer.ggml.add_bos_token': true,
    'tokenizer.ggml.add_eos_token': false,
    'tokenizer.ggml.add_space_prefix': false,
  };
}
