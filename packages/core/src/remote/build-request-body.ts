import type { LMRequest } from '../lm/base-lm.js';
import type { GenerateOptions } from '../lm/lm.js';

/**
 * The JSON body of an OpenAI-style `chat/completions` or `completions` request. Sampling options
 * outside OpenAI's API (top_k, min_p, repetition_penalty) are sent only when set; vLLM, llama.cpp
 * server and Ollama read them.
 */
export function buildRequestBody(
  model: string,
  request: LMRequest,
  options: GenerateOptions,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  if (request.kind === 'chat') body.messages = request.messages;
  else body.prompt = request.prompt;
  const fields: Array<[string, unknown]> = [
    ['max_tokens', options.maxTokens],
    ['temperature', options.temperature],
    ['top_p', options.topP],
    ['top_k', options.topK],
    ['min_p', options.minP],
    ['repetition_penalty', options.repetitionPenalty],
    ['presence_penalty', options.presencePenalty],
    ['frequency_penalty', options.frequencyPenalty],
    ['logit_bias', options.logitBias],
    ['seed', options.seed],
    ['stop', options.stop && options.stop.length > 0 ? options.stop : undefined],
  ];
  for (const [key, value] of fields) if (value !== undefined) body[key] = value;
  if (options.tools && options.tools.length > 0 && request.kind === 'chat') {
    body.tools = options.tools;
    if (options.toolChoice) body.tool_choice = options.toolChoice;
  }
  const format = request.kind === 'chat' ? responseFormat(options) : undefined;
  if (format) body.response_format = format;
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** OpenAI's `response_format` for a constraint that is one JSON document; none otherwise. */
function responseFormat(options: GenerateOptions): Record<string, unknown> | undefined {
  const constraint = options.constrain === false ? undefined : options.constraint;
  if (constraint?.jsonSchema === undefined) return undefined;
  const name = constraint.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'output';
  return {
    type: 'json_schema',
    json_schema: { name, schema: constraint.jsonSchema, strict: constraint.strict ?? false },
  };
}
