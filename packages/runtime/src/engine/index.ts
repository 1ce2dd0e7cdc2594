export type { Engine, ForwardRequest, ModelInfo, SequenceId } from './engine.js';
export { SequenceTable } from './sequence-table.js';
export { SerialQueue } from './serial-queue.js';
