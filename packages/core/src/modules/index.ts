export { type BatchOptions, batch } from './batch.js';
export { BestOfN, type BestOfNOptions, type RewardFn } from './best-of-n.js';
export {
  type BootstrapCompileOptions,
  BootstrapFewShot,
  type BootstrapFewShotOptions,
  type Metric,
} from './bootstrap-few-shot.js';
export { ChainOfThought } from './chain-of-thought.js';
export type { Example } from './example.js';
export { LabeledFewShot, type LabeledFewShotOptions } from './labeled-few-shot.js';
export type { ForwardOptions, Module, Predictor, TraceEntry } from './module.js';
export { MultiChainComparison, type MultiChainComparisonOptions } from './multi-chain-comparison.js';
export { inspectModules, offerFeedbackSignature } from './offer-feedback.js';
export { type ExecPair, Parallel, type ParallelOptions, type ParallelResult } from './parallel.js';
export { Predict, type PredictOptions, type PredictStreamEvent } from './predict.js';
export { createPrediction, type Prediction, type PredictionInfo, predictionInfo } from './prediction.js';
export { ReAct, type ReActForwardOptions, type ReActOptions } from './react.js';
export { Refine, type RefineOptions } from './refine.js';
export { seededRandom } from './seeded-random.js';
