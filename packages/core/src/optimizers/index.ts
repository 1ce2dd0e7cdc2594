export {
  BootstrapFewShotWithRandomSearch,
  type RandomSearchCompileOptions,
  type RandomSearchOptions,
  type ScoredCandidate,
} from './bootstrap-few-shot-with-random-search.js';
export { type CandidateProgramOptions, candidateProgram, resetCopy } from './candidate-program.js';
