export * from './chat-template/index.js';
export * from './constrain/index.js';
export * from './engine/index.js';
export * from './generation/index.js';
export * from './gguf/index.js';
export * from './reference/index.js';
export * from './sampling/index.js';
export * from './tokenizer/index.js';
