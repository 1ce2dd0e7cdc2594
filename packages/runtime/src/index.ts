/**
 * GGUF, tokenizers, chat templates, sampling, the generation loop, `LocalLM`, hub downloads and the
 * TypeScript reference engine.
 *
 * @module @x/runtime
 */
export * from './chat-template/index.js';
export * from './constrain/index.js';
export * from './engine/index.js';
export * from './generation/index.js';
export * from './gguf/index.js';
export * from './hub/index.js';
export * from './reference/index.js';
export * from './sampling/index.js';
export * from './tokenizer/index.js';
