export type { Engine, ForwardRequest, ModelInfo, SequenceId } from './engine.js';
export { SequenceTable } from './sequence-table.js';
