export { createTokenizerFromGGUFMetadata } from './create-tokenizer-from-gguf-metadata.js';
export { createTokenizerFromHfJson } from './create-tokenizer-from-hf-json.js';
export {
  createTokenizerFromTiktoken,
  llama3SpecialTokens,
  type TiktokenOptions,
} from './create-tokenizer-from-tiktoken.js';
export {
  createTokenizerFromVocabMerges,
  type VocabMergesFiles,
} from './create-tokenizer-from-vocab-merges.js';
export { loadTokenizer } from './load-tokenizer.js';
export type { TextRange } from './partition-special.js';
export type { DecodeOptions, EncodeOptions, StreamDecoder, Tokenizer } from './tokenizer.js';
