export {
  BootstrapFewShotWithRandomSearch,
  type RandomSearchCompileOptions,
  type RandomSearchOptions,
  type ScoredCandidate,
} from './bootstrap-few-shot-with-random-search.js';
export { type CandidateProgramOptions, candidateProgram, resetCopy } from './candidate-program.js';
export { CategoricalTPE, type CategoricalTPEOptions } from './categorical-tpe.js';
export { COPRO, type COPROAttempt, type COPROOptions } from './copro.js';
export {
  describeDataset,
  improveInstruction,
  type ProposalCallOptions,
  proposalTips,
  proposeInstruction,
} from './instruction-proposer.js';
export { type MIPROTrial, MIPROv2, type MIPROv2CompileOptions, type MIPROv2Options } from './mipro-v2.js';
