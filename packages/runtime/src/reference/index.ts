export { ARCHITECTURES, type ArchSpec } from './arch-table.js';
export { forwardToken } from './forward-token.js';
export { KVCache } from './kv-cache.js';
export { type LoadLMOptions, loadLM } from './load-lm.js';
export {
  type LoadReferenceEngineOptions,
  loadReferenceEngine,
  referenceEngineFromGGUF,
} from './load-reference-engine.js';
export { type F32Tensor, loadWeights, type TensorSource } from './load-weights.js';
export { isSlidingLayer, type ModelConfig, readModelConfig } from './model-config.js';
export type { Matrix } from './ops/matrix.js';
export { pairFrequency, type RopeParams, type RopeStyle } from './ops/rope.js';
export { ReferenceEngine, type ReferenceEngineOptions } from './reference-engine.js';
export type { ReferenceModel } from './reference-model.js';
export { ropeParams } from './rope-params.js';
export { type RopeScaling, readRopeScaling } from './rope-scaling.js';
export type { LayerWeights, Weights } from './weights.js';
