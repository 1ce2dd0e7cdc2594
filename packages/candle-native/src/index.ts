/**
 * The C++ engine as a Node addon: `loadLM`, `loadEngine` and `NativeEngine`.
 *
 * @module @x/candle-native
 */
export * from './engine/index.js';
