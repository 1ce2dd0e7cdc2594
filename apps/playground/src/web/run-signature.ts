import {
  AdapterParseError,
  ChatAdapter,
  type FinishReason,
  type LM,
  type LMResult,
  Predict,
  predictionInfo,
  Signature,
  type Timings,
  type Usage,
} from '@x/core';
import { TapLM } from '../tap-lm.js';

export interface WebRunRequest {
  signature: string;
  inputs: Record<string, string>;
  maxTokens: number;
  temperature: number;
}

export interface WebParseError {
  message: string;
  rawText: string;
  expectedFields: string[];
  partial: Record<string, unknown>;
}

/** The last event of a run: the LM's whole text, its timings, and the prediction or why it did not parse. */
export interface WebRunResult {
  text: string;
  timings: Timings | undefined;
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  prediction?: Record<string, unknown>;
  parseError?: WebParseError;
}

export type WebRunEvent =
  | { type: 'text-delta'; delta: string }
  | { type: 'field-delta'; field: string; delta: string }
  | { type: 'result'; result: WebRunResult };

const outcome = (result: LMResult | undefined) => ({
  timings: result?.timings,
  usage: result?.usage,
  finishReason: result?.finishReason,
});

/**
 * One Predict call streamed as events. The JSON fallback is off so that the raw text shown is the
 * very text that was parsed. A parse failure is a result; any other error is thrown.
 */
export async function runSignature(
  lm: LM,
  request: WebRunRequest,
  emit: (event: WebRunEvent) => void,
  signal?: AbortSignal,
): Promise<WebRunResult> {
  let text = '';
  const tap = new TapLM(lm, {
    onDelta: (delta) => {
      text += delta;
      emit({ type: 'text-delta', delta });
    },
  });
  const predict = new Predict(Signature.from(request.signature), {
    lm: tap,
    adapter: new ChatAdapter({ fallbackToJSON: false }),
    config: { maxTokens: request.maxTokens, temperature: request.temperature },
  });
  let result: WebRunResult;
  try {
    let prediction: Record<string, unknown> = {};
    for await (const event of predict.stream(request.inputs, { signal })) {
      if (event.type === 'field-delta') emit(event);
      else prediction = event.prediction;
    }
    const lmResult = predictionInfo(prediction)?.result ?? tap.lastResult;
    result = { text: lmResult?.text ?? text, ...outcome(lmResult), prediction: { ...prediction } };
  } catch (error) {
    if (!AdapterParseError.isInstance(error)) throw error;
    const { message, rawText, expectedFields, partial } = error;
    result = {
      text: rawText,
      ...outcome(tap.lastResult),
      parseError: { message, rawText, expectedFields, partial },
    };
  }
  emit({ type: 'result', result });
  return result;
}
