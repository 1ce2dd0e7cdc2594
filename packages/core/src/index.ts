export * from './errors/index.js';
export * from './lm/index.js';
