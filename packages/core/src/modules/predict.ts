import type { Adapter, AdapterCallOptions, AdapterCallResult, Demo } from '../adapters/adapter.js';
import { BaseAdapter } from '../adapters/base-adapter.js';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { constrainedOptions } from '../adapters/constrained-options.js';
import { fallbackParseError } from '../adapters/fallback-parse-error.js';
import { FieldStreamParser } from '../adapters/field-stream-parser.js';
import { JSONAdapter } from '../adapters/json-adapter.js';
import { parseKeepingRawText } from '../adapters/parse-keeping-raw-text.js';
import { AbortError } from '../errors/abort-error.js';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { LMError } from '../errors/lm-error.js';
import { XError } from '../errors/x-error.js';
import type { GenerateOptions, LM } from '../lm/lm.js';
import { Signature } from '../signature/signature.js';
import { pickFields } from './example.js';
import type { ForwardOptions, Module, Predictor } from './module.js';
import { createPrediction, type Prediction } from './prediction.js';

type Values = Record<string, unknown>;

export interface PredictOptions {
  lm?: LM;
  /** Default: a ChatAdapter that falls back to JSONAdapter when its parse fails. */
  adapter?: Adapter;
  demos?: readonly Demo[];
  /** Generation options for every call, under each call's own. */
  config?: Omit<GenerateOptions, 'signal'>;
}

/** What `Predict.stream` yields: output field text as it arrives, then the parsed prediction. */
export type PredictStreamEvent<O extends Values> =
  | { type: 'field-delta'; field: string; delta: string }
  | { type: 'prediction'; prediction: Prediction<O> };

/**
 * DSPy's Predict: one signature, answered by one LM call through an adapter. Calls share nothing
 * mutable: everything a call needs is read at its start and kept in the call.
 */
export class Predict<I extends Values = Values, O extends Values = Values>
  implements Module<I, O>, Predictor
{
  signature: Signature<I, O>;
  lm: LM | undefined;
  adapter: Adapter;
  demos: readonly Demo[];
  config: Omit<GenerateOptions, 'signal'>;

  constructor(signature: Signature<I, O> | string, options: PredictOptions = {}) {
    this.signature = (typeof signature === 'string' ? Signature.from(signature) : signature) as Signature<
      I,
      O
    >;
    this.lm = options.lm;
    this.adapter = options.adapter ?? new ChatAdapter();
    this.demos = options.demos ?? [];
    this.config = options.config ?? {};
  }

  async forward(inputs: I, options: ForwardOptions = {}): Promise<Prediction<O>> {
    const call = this.prepare(inputs, options);
    const outcome = await call.adapter.call(
      call.lm,
      this.signature,
      call.demos,
      call.inputs,
      call.callOptions,
    );
    return this.finish(outcome, call.inputs, options);
  }

  /** The same as `forward` (DSPy's `__call__`). */
  call(inputs: I, options: ForwardOptions = {}): Promise<Prediction<O>> {
    return this.forward(inputs, options);
  }

  /**
   * Streams the LM's answer: `field-delta` events (ChatAdapter sections, trimmed as parse trims
   * them), then one `prediction` event, which is also the generator's return value. When the
   * streamed text does not parse, the ChatAdapter's JSON fallback runs as a second, plain call.
   */
  async *stream(
    inputs: I,
    options: ForwardOptions = {},
  ): AsyncGenerator<PredictStreamEvent<O>, Prediction<O>> {
    const call = this.prepare(inputs, options);
    if (usesNativeToolCalls(call.adapter, call.lm, this.signature)) {
      // Tool calls arrive whole, not as field text: one plain call.
      const outcome = await call.adapter.call(
        call.lm,
        this.signature,
        call.demos,
        call.inputs,
        call.callOptions,
      );
      const prediction = this.finish(outcome, call.inputs, options);
      yield { type: 'prediction', prediction };
      return prediction;
    }
    const { history, ...generateOptions } = call.callOptions;
    const messages = call.adapter.format(this.signature, call.demos, call.inputs, history);
    const lmStream = call.lm.stream(
      messages,
      constrainedOptions(call.adapter, this.signature, generateOptions),
    );
    const parser = call.adapter instanceof ChatAdapter ? new FieldStreamParser(this.signature) : undefined;
    try {
      for await (const chunk of lmStream) {
        for (const delta of parser?.push(chunk) ?? []) yield { type: 'field-delta', ...delta };
      }
    } catch (error) {
      if (!AbortError.isInstance(error) || parser === undefined) throw error;
      // Aborted mid-field: the held-back tail is field text too; the error carries every field so far.
      for (const delta of parser.finish()) yield { type: 'field-delta', ...delta };
      throw new AbortError({ partialText: error.partialText, partialFields: parser.fields, cause: error });
    }
    for (const delta of parser?.finish() ?? []) yield { type: 'field-delta', ...delta };
    const result = await lmStream.result;
    let outcome: AdapterCallResult<O>;
    try {
      const values = parseKeepingRawText(call.adapter, this.signature, result.text);
      outcome = { values, rawText: result.text, result, messages, adapter: call.adapter.name };
    } catch (error) {
      const canFallBack = call.adapter instanceof ChatAdapter && call.adapter.fallbackToJSON;
      if (!AdapterParseError.isInstance(error) || !canFallBack) throw error;
      outcome = await new JSONAdapter()
        .call(call.lm, this.signature, call.demos, call.inputs, call.callOptions)
        .catch((fallbackError: unknown) => {
          if (!AdapterParseError.isInstance(fallbackError)) throw fallbackError;
          // The streamed ChatAdapter text stays reachable as the cause.
          throw fallbackParseError(fallbackError, error);
        });
    }
    const prediction = this.finish(outcome, call.inputs, options);
    yield { type: 'prediction', prediction };
    return prediction;
  }

  namedPredictors(): Array<[string, Predictor]> {
    return [['self', this]];
  }

  inputNames(): string[] {
    return this.signature.inputFields.map((field) => field.name);
  }

  clone(): this {
    return new Predict<I, O>(this.signature, {
      lm: this.lm,
      adapter: this.adapter,
      demos: [...this.demos],
      config: { ...this.config },
    }) as this;
  }

  private prepare(inputs: I, options: ForwardOptions) {
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      throw new XError(
        'X_INVALID_INPUTS',
        `Predict expects an object of input values, got ${describe(inputs)}`,
      );
    }
    const { lm: callLM, trace: _trace, ...rest } = options;
    const lm = callLM ?? this.lm;
    if (!lm) throw new LMError(`Predict(${this.signature}) has no LM: pass one at construction or per call`);
    const callOptions: AdapterCallOptions = { ...this.config, ...rest };
    return {
      lm,
      adapter: this.adapter,
      demos: [...this.demos],
      inputs: pickFields(inputs, this.inputNames()) as Partial<I>,
      callOptions,
    };
  }

  private finish(outcome: AdapterCallResult<O>, inputs: Partial<I>, options: ForwardOptions): Prediction<O> {
    options.trace?.push({ predictor: this, inputs: { ...inputs }, outputs: { ...outcome.values } });
    return createPrediction(outcome.values, {
      rawText: outcome.rawText,
      adapter: outcome.adapter,
      messages: outcome.messages,
      result: outcome.result,
    });
  }
}

function usesNativeToolCalls(adapter: Adapter, lm: LM, signature: Signature): boolean {
  return (
    adapter instanceof BaseAdapter &&
    adapter.useNativeFunctionCalling &&
    lm.supportsFunctionCalling === true &&
    signature.outputFields.some((field) => field.type.kind === 'toolCalls')
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
