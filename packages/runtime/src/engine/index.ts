export { argmaxRows, checkAllowedRows, forwardArgmaxViaLogits } from './argmax-rows.js';
export type {
  Engine,
  ForwardOptions,
  ForwardRequest,
  ModelInfo,
  SequenceId,
  TokenAllowance,
} from './engine.js';
export { checkLogitsInto, logitsRowCount, requestLogitsRows } from './logits-row-count.js';
export { SequenceTable } from './sequence-table.js';
export { SerialQueue } from './serial-queue.js';
