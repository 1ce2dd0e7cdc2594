import type { OutputConstraint } from '../grammar/output-constraint.js';
import type { GenerateOptions, LM, LMResult, Message } from '../lm/lm.js';
import type { Signature } from '../signature/signature.js';

type Values = Record<string, unknown>;

/** A few-shot example: values for some or all of a signature's fields. */
export type Demo = Readonly<Record<string, unknown>>;

/** One earlier turn of a conversation: input and output field values, like DSPy's `History.messages`. */
export type HistoryTurn = Readonly<Record<string, unknown>>;

export interface AdapterCallOptions extends GenerateOptions {
  /** Earlier turns, formatted as user/assistant pairs after the demos (see `Adapter.format`). */
  history?: readonly HistoryTurn[];
}

export interface AdapterCallResult<O extends Values = Values> {
  /** The parsed, typed output values. */
  values: O;
  /** The LM's text that `values` were parsed from. */
  rawText: string;
  /** The LM result of the call that parsed (after a fallback, the JSONAdapter call). */
  result: LMResult;
  /** The messages sent for that call. */
  messages: Message[];
  /** Name of the adapter whose parse succeeded ('ChatAdapter' or 'JSONAdapter'). */
  adapter: string;
}

/** Turns a signature + demos + inputs into chat messages, and LM text back into typed values. */
export interface Adapter {
  readonly name: string;
  /**
   * The messages DSPy 3.x would send: system, demos (incomplete ones first, as DSPy), conversation
   * history (from a `History` input field or the `history` argument), then the user message.
   */
  format<I extends Values, O extends Values>(
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    history?: readonly HistoryTurn[],
  ): Message[];
  /** Parses LM text into the output values. Throws AdapterParseError (never returns a partial result). */
  parse<I extends Values, O extends Values>(signature: Signature<I, O>, text: string): O;
  /**
   * The grammar of the texts `parse` accepts for this signature, for constrained decoding. An
   * adapter without one leaves the LM unconstrained.
   */
  outputConstraint?(signature: Signature): OutputConstraint;
  /** format → `lm.generate` → parse. Throws AdapterParseError when the text does not parse. */
  call<I extends Values, O extends Values>(
    lm: LM,
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    options?: AdapterCallOptions,
  ): Promise<AdapterCallResult<O>>;
}
