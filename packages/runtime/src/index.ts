export type { Engine, ForwardRequest, ModelInfo, SequenceId } from './engine/engine.js';
export type { DecodeOptions, EncodeOptions, StreamDecoder, Tokenizer } from './tokenizer/tokenizer.js';
