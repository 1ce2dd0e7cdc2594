export { ConstraintCompiler } from './constraint-compiler.js';
export { createLocalLM } from './create-local-lm.js';
export { DraftModel, type DraftRequest } from './draft-model.js';
export { GenerationTask, type GenerationTaskInit } from './generation-task.js';
export {
  type LoadLocalLMOptions,
  type LocalModelFile,
  loadLocalLM,
  type OpenedEngine,
} from './load-local-lm.js';
export { LocalLM, type LocalLMOptions } from './local-lm.js';
export { PrefixCache } from './prefix-cache.js';
export { DEFAULT_MAX_SEQUENCES, Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { type StopMatch, StopMatcher } from './stop-matcher.js';
export { VocabularyMismatchError } from './vocabulary-mismatch-error.js';
