/**
 * DSPy-style signatures, adapters, modules, optimizers, evaluation and the `LM` interface.
 *
 * @module @x/core
 */
export * from './adapters/index.js';
export * from './errors/index.js';
export * from './evaluate/index.js';
export * from './grammar/index.js';
export * from './lm/index.js';
export * from './modules/index.js';
export * from './optimizers/index.js';
export * from './progress/index.js';
export * from './remote/index.js';
export * from './signature/index.js';
export * from './state/index.js';
export * from './tools/index.js';
