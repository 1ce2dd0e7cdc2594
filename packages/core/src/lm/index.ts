export type {
  FinishReason,
  GenerateOptions,
  LM,
  LMResult,
  LMStream,
  Message,
  SamplingOptions,
  Timings,
  Usage,
} from './lm.js';
