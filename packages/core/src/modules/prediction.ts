import type { LMResult, Message } from '../lm/lm.js';

type Values = Record<string, unknown>;

/** How a prediction was produced; not part of its enumerable values. */
export interface PredictionInfo {
  /** The LM text the values were parsed from. */
  rawText: string;
  /** The adapter whose parse succeeded ('ChatAdapter', or 'JSONAdapter' after a fallback). */
  adapter: string;
  messages: Message[];
  result: LMResult;
}

/** The typed output values of one module call (DSPy's `Prediction`). */
export type Prediction<O extends Values = Values> = Readonly<O>;

const infoKey = Symbol.for('x.prediction-info');

/** Makes a Prediction: a fresh object with `values` as its own properties and `info` attached out of sight. */
export function createPrediction<O extends Values>(values: O, info: PredictionInfo): Prediction<O> {
  const prediction = { ...values };
  Object.defineProperty(prediction, infoKey, { value: info, enumerable: false });
  return prediction;
}

/** The PredictionInfo of a prediction made by a module, or undefined for a plain object. */
export function predictionInfo(prediction: Readonly<Values>): PredictionInfo | undefined {
  return (prediction as { [infoKey]?: PredictionInfo })[infoKey];
}
