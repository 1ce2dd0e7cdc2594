export {
  ONE_CASE_PER_ARCHITECTURE as ARCHITECTURE_CASES,
  type SyntheticOptions,
} from '../../../runtime/test/model-dependent/architecture-cases.js';
