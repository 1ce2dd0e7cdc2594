/** Token counts recovered from a server's "context exceeded" error; unknown numbers are undefined. */
export interface ContextOverflow {
  promptTokens?: number;
  contextLength?: number;
  maxTokens?: number;
}

const overflowCodes = new Set(['context_length_exceeded', 'exceed_context_size_error']);
const overflowText =
  /maximum context length|context length (?:is|was) exceeded|exceeds? the (?:available )?context|longer than the maximum model length|context window|too many tokens|prompt is too long/i;

const toNumber = (text: string | undefined) => (text === undefined ? undefined : Number.parseInt(text, 10));

/**
 * Recognizes the context-overflow errors of OpenAI (`code: context_length_exceeded`), vLLM
 * ("This model's maximum context length is N tokens. However, you requested M tokens (P in the
 * messages, C in the completion)", "decoder prompt (length P) is longer than the maximum model
 * length of N") and llama.cpp server (`type: exceed_context_size_error` with `n_prompt_tokens`,
 * `n_ctx`). Returns undefined for any other error.
 */
export function parseContextOverflow(body: unknown): ContextOverflow | undefined {
  const error = errorObject(body);
  const message = typeof error.message === 'string' ? error.message : '';
  const code = [error.code, error.type].find(
    (value) => typeof value === 'string' && overflowCodes.has(value),
  );
  if (!code && !overflowText.test(message)) return undefined;

  const overflow: ContextOverflow = {
    contextLength:
      numberField(error.n_ctx) ??
      toNumber(/maximum (?:context|model) length (?:is |of )?(\d+)/i.exec(message)?.[1]),
    promptTokens:
      numberField(error.n_prompt_tokens) ??
      toNumber(/(\d+) in the messages/i.exec(message)?.[1]) ??
      toNumber(/prompt \(length (\d+)\)/i.exec(message)?.[1]) ??
      toNumber(/request has (\d+) input tokens/i.exec(message)?.[1]) ??
      toNumber(/messages resulted in (\d+) tokens/i.exec(message)?.[1]),
    maxTokens: toNumber(/(\d+) in the completion/i.exec(message)?.[1]),
  };
  return overflow;
}

function errorObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return { message: typeof body === 'string' ? body : '' };
  const inner = (body as Record<string, unknown>).error;
  if (typeof inner === 'object' && inner !== null) return inner as Record<string, unknown>;
  if (typeof inner === 'string') return { ...(body as Record<string, unknown>), message: inner };
  return body as Record<string, unknown>;
}

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
