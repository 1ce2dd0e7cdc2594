export type { FieldState, PredictorState } from './predictor-state.js';
export { dumpState, loadState, type ProgramState } from './program-state.js';
export { ProgramStateError } from './program-state-error.js';
export { loadProgram, saveProgram, stateFileText } from './save-program.js';
