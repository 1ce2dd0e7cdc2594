/**
 * Test kits: the engine conformance suite, oracle agreement helpers and a mock Hugging Face hub.
 *
 * @module @x/runtime/testing
 */
export {
  conformanceTokens,
  describeEngineConformance,
  type EngineConformanceOptions,
} from './engine/testing/describe-engine-conformance.js';
export { nmse } from './engine/testing/nmse.js';
export { agreesWithOracle, NEAR_TIE, shortfall } from './engine/testing/oracle-agreement.js';
export {
  compareTeacherForced,
  type GreedyStep,
  greedySteps,
  referenceGreedy,
  type TeacherForcedComparison,
} from './engine/testing/reference-greedy.js';
export { relativeL2 } from './engine/testing/relative-l2.js';
export { CONSTRAINED_LOOKUP_CASE } from './generation/testing/constrained-lookup-case.js';
export { expectDraftedGreedy } from './generation/testing/expect-drafted-greedy.js';
export { expectPreemptedSame } from './generation/testing/expect-preempted-same.js';
export {
  type CacheHit,
  cachedVersusCold,
  cachePrompts,
} from './generation/testing/prefix-cache-exactness.js';
export { sharedModelsDir } from './gguf/shared-models-dir.js';
export {
  type MockHub,
  type MockHubFault,
  type MockHubOptions,
  type MockHubRequest,
  startMockHub,
} from './hub/testing/mock-hub-server.js';
export {
  ARCHITECTURE_FEATURE_CASES,
  type ArchitectureCase,
  ONE_CASE_PER_ARCHITECTURE,
  type SyntheticOptions,
} from './reference/testing/architecture-cases.js';
export {
  type RandomModel,
  type RandomModelOptions,
  type RandomModelShape,
  randomModel,
  TINY_SHAPE,
} from './reference/testing/random-model.js';
export { toReferenceModel } from './reference/testing/random-reference-model.js';
export { ROPE_SCALING_CASES, ROPE_SCALING_PROMPT } from './reference/testing/rope-scaling-cases.js';
export { writeSyntheticModel } from './reference/testing/write-synthetic-model.js';
