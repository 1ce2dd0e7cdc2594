import type { ModelConfig } from './model-config.js';
import type { Weights } from './weights.js';

/** A loaded model: its hyperparameters and f32 weights. Immutable; KV state lives in sequences. */
export interface ReferenceModel {
  config: ModelConfig;
  weights: Weights;
}
