import { loadWeights } from '../load-weights.js';
import { readModelConfig } from '../model-config.js';
import type { ReferenceModel } from '../reference-model.js';
import type { RandomModel } from './random-model.js';

/** Loads a RandomModel through the same config and weight loaders a GGUF file goes through. */
export function toReferenceModel(random: RandomModel): ReferenceModel {
  const config = readModelConfig(random.metadata);
  return { config, weights: loadWeights(config, (name) => random.tensors.get(name)) };
}
