export * from './engine/index.js';
export * from './export/index.js';
export * from './gguf-to-onnx/index.js';
