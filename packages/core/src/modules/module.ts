import type { AdapterCallOptions, Demo } from '../adapters/adapter.js';
import type { LM } from '../lm/lm.js';
import type { Signature } from '../signature/signature.js';
import type { Prediction } from './prediction.js';

type Values = Record<string, unknown>;

/** One predictor step recorded while a module ran (what BootstrapFewShot turns into demos). */
export interface TraceEntry {
  predictor: Predictor;
  inputs: Values;
  outputs: Values;
}

/** Per-call options of any module: generation options, conversation history, and these. */
export interface ForwardOptions extends AdapterCallOptions {
  /** The LM for this call, over the one given at construction. */
  lm?: LM;
  /** Each predictor appends its step here; pass a fresh array per call. */
  trace?: TraceEntry[];
}

/** A module's learnable part: its few-shot demos (and instructions). Optimizers set them on clones only. */
export interface Predictor {
  demos: readonly Demo[];
  /** Its signature, when it has one; optimizers and `loadState` replace it to change instructions. */
  signature?: Signature;
}

/** A DSPy-style program: typed inputs in, a typed Prediction out. */
export interface Module<I extends Values = Values, O extends Values = Values> {
  forward(inputs: I, options?: ForwardOptions): Promise<Prediction<O>>;
  /** The predictors inside, under stable names, for optimizers. */
  namedPredictors(): Array<[string, Predictor]>;
  /** A copy whose predictors' demos can change without touching this module. */
  clone(): this;
  /** The names of the input fields, when the module has one signature's worth of them. */
  inputNames?(): string[];
}
