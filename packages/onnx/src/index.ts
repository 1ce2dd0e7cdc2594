/**
 * An `Engine` over onnxruntime-node, and the GGUF → ONNX converter (`x-onnx`).
 *
 * @module @x/onnx
 */
export * from './engine/index.js';
export * from './export/index.js';
export * from './gguf-to-onnx/index.js';
