import { AdapterParseError } from '../errors/adapter-parse-error.js';
import type { Signature } from '../signature/signature.js';
import type { Adapter } from './adapter.js';

type Values = Record<string, unknown>;

/**
 * `adapter.parse`, where any failure (a custom adapter's or a coercion's own bug included) becomes an
 * AdapterParseError that carries the LM's text: what the model said is never lost to a stray error.
 */
export function parseKeepingRawText<I extends Values, O extends Values>(
  adapter: Adapter,
  signature: Signature<I, O>,
  text: string,
): O {
  try {
    return adapter.parse(signature, text);
  } catch (error) {
    if (AdapterParseError.isInstance(error)) throw error;
    throw new AdapterParseError({
      adapter: adapter.name,
      rawText: text,
      expectedFields: signature.outputFields.map((field) => field.name),
      partial: {},
      reason: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}
