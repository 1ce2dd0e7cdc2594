export { assertFitsContext } from './assert-fits-context.js';
export { BaseLM, type LMRequest } from './base-lm.js';
export { CachedLM, withCache } from './cached-lm.js';
export { combineSignals } from './combine-signals.js';
export { computeTimings } from './compute-timings.js';
export {
  createLMStream,
  type EmitDelta,
  type LMStreamOptions,
  type LMStreamRun,
} from './create-lm-stream.js';
export type {
  FinishReason,
  FunctionDefinition,
  GenerateOptions,
  LM,
  LMResult,
  LMStream,
  LMToolCall,
  LogprobsOptions,
  Message,
  SamplingOptions,
  Timings,
  TokenAlternative,
  TokenLogprob,
  Usage,
} from './lm.js';
export { LMCache, type LMCacheOptions } from './lm-cache.js';
export { requestFromInput, requestInput } from './request-input.js';
export { sortedJson } from './sorted-json.js';
