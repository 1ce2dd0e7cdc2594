import { AdapterParseError } from '../errors/adapter-parse-error.js';

/** The JSON fallback's parse error, naming the ChatAdapter's failure before it and keeping it as the cause. */
export function fallbackParseError(
  fallbackError: AdapterParseError,
  chatError: AdapterParseError,
): AdapterParseError {
  return new AdapterParseError({
    adapter: fallbackError.adapter,
    rawText: fallbackError.rawText,
    expectedFields: fallbackError.expectedFields,
    partial: fallbackError.partial,
    reason: `${fallbackError.message} (after ChatAdapter: ${chatError.message})`,
    cause: chatError,
  });
}
