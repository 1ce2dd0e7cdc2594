export type { DecoderIO, KVSlot } from '../decoder/decoder-io.js';
export { type LoadEngineOptions, loadEngine } from './load-engine.js';
export { type LoadLMOptions, loadLM } from './load-lm.js';
export { type LoadOnnxEngineOptions, loadOnnxEngine } from './load-onnx-engine.js';
export { OnnxEngine } from './onnx-engine.js';
