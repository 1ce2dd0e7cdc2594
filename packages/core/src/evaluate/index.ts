export { defaultConcurrency, REMOTE_CONCURRENCY } from './default-concurrency.js';
export {
  Evaluate,
  type EvaluateCallOptions,
  type EvaluateOptions,
  EvaluationResult,
  evaluate,
} from './evaluate.js';
export { formatResultTable } from './format-result-table.js';
export { mapConcurrent } from './map-concurrent.js';
export { scoreValue } from './metric.js';
export { type EvaluationRow, resultRecords } from './result-rows.js';
export { TooManyErrorsError } from './too-many-errors-error.js';
