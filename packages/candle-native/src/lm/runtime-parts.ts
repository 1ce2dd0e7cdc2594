// The runtime pieces loadLM wires together. TEMPORARY: reached by path until @x/runtime's index
// exports them; then this file becomes `export { … } from '@x/runtime'`.
export { lmFromGGUFParts } from '../../../runtime/src/generation/lm-from-gguf-parts.js';
export type { LocalLM, LocalLMOptions } from '../../../runtime/src/generation/local-lm.js';
export { readGGUF } from '../../../runtime/src/gguf/read-gguf.js';
export { createTokenizerFromGGUFMetadata } from '../../../runtime/src/tokenizer/create-tokenizer-from-gguf-metadata.js';
