export * from './adapters/index.js';
export * from './errors/index.js';
export * from './grammar/index.js';
export * from './lm/index.js';
export * from './modules/index.js';
export * from './remote/index.js';
export * from './signature/index.js';
