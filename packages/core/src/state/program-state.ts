import type { Module } from '../modules/module.js';
import { dumpPredictorState, type PredictorState, readPredictorState } from './predictor-state.js';
import { ProgramStateError } from './program-state-error.js';

type Values = Record<string, unknown>;
type Program = Pick<Module<Values, Values>, 'namedPredictors'>;

/**
 * A program's state as DSPy 3.3.1's `dump_state` writes it: a lone predictor (named 'self') is its
 * predictor state; any other program maps each named predictor ("predict", "a.predict") to one.
 */
export type ProgramState = PredictorState | Record<string, PredictorState>;

export function dumpState(program: Program): ProgramState {
  const predictors = program.namedPredictors();
  const [only] = predictors;
  if (predictors.length === 1 && only?.[0] === 'self') return dumpPredictorState(only[1], 'self');
  return Object.fromEntries(
    predictors.map(([name, predictor]) => [name, dumpPredictorState(predictor, name)]),
  );
}

/**
 * Loads a state made by `dumpState` or by DSPy's `dump_state`/`save` into `program`, which must have
 * the same predictors and fields. Everything is checked before anything changes (as DSPy's trial
 * run); a mismatch throws ProgramStateError. Returns notes on saved parts x does not apply (an LM).
 */
export function loadState(program: Program, state: unknown): { notes: string[] } {
  const predictors = program.namedPredictors();
  const [only] = predictors;
  const lone = predictors.length === 1 && only?.[0] === 'self';
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new ProgramStateError('state', 'expected an object');
  }
  const record = state as Values;
  const loaded = predictors.map(([name, predictor]) => {
    if (!lone && !Object.hasOwn(record, name)) {
      throw new ProgramStateError(name, `the state has no predictor '${name}' (it has ${listKeys(record)})`);
    }
    return { predictor, ...readPredictorState(predictor, lone ? record : record[name], name) };
  });
  for (const { predictor, signature, demos } of loaded) {
    predictor.signature = signature;
    predictor.demos = demos;
  }
  return { notes: loaded.flatMap((entry) => entry.notes) };
}

function listKeys(record: Values): string {
  const keys = Object.keys(record).filter((key) => key !== 'metadata');
  return keys.length === 0 ? 'none' : keys.map((key) => `'${key}'`).join(', ');
}
