import { type GenerateOptions, GrammarError, type Message, type OutputConstraint } from '@x/core';
import { z } from 'zod';
import { customIssue, optional, parseWithSchema } from '../http/parse-with-schema.js';
import { RequestError } from '../http/request-error.js';
import { responseFormatConstraint } from './response-format-constraint.js';
import { type ToolMode, toolMode, withToolPrompt } from './tool-call-constraint.js';

/** Most choices one request may ask for with `n`. */
export const maxChoices = 16;

/** OpenAI parameters this server knows and does not implement: a 400 that says so, never ignored. */
const unsupported = new Map<string, (value: unknown) => boolean>(
  Object.entries({
    functions: () => true,
    function_call: () => true,
    parallel_tool_calls: () => true,
    audio: () => true,
    modalities: () => true,
    prediction: () => true,
    reasoning_effort: () => true,
    web_search_options: () => true,
    logit_bias: () => true,
    suffix: () => true,
    echo: (value: unknown) => value !== false,
    best_of: (value: unknown) => value !== 1,
  }),
);

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const contentPart = z
  .looseObject({ type: z.string() })
  .superRefine((part, context) => {
    if (part.type === 'text') {
      const text = textPart.safeParse(part);
      if (!text.success)
        context.addIssue(customIssue('invalid_value', 'a text part is {type: "text", text: string}'));
    } else {
      context.addIssue(
        customIssue(
          'unsupported_content',
          `content parts of type "${part.type}" are not supported: the served models read text only`,
        ),
      );
    }
  })
  .transform((part) => String(part.text));

const parts = z
  .array(contentPart)
  .min(1)
  .transform((texts) => texts.join('\n'));

// Not a z.union: its error would hide which part was refused and why.
const content = z.unknown().transform((value, context): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parsed = parts.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) context.addIssue({ ...issue, input: value } as never);
    return z.NEVER;
  }
  context.addIssue(customIssue('invalid_type', 'content must be a string or an array of text parts'));
  return z.NEVER;
});

const message = z
  .strictObject({
    role: z.string(),
    content,
  })
  .superRefine((value, context) => {
    if (!['system', 'developer', 'user', 'assistant'].includes(value.role))
      context.addIssue({
        ...customIssue(
          value.role === 'tool' || value.role === 'function' ? 'unsupported_value' : 'invalid_value',
          `role must be system, developer, user or assistant, got ${JSON.stringify(value.role)}`,
        ),
        path: ['role'],
      });
  })
  .transform(
    (value): Message => ({
      role: value.role === 'developer' ? 'system' : (value.role as Message['role']),
      content: value.content,
    }),
  );

const common = {
  model: optional(z.string().min(1)),
  stream: optional(z.boolean()),
  stream_options: optional(z.strictObject({ include_usage: optional(z.boolean()) })),
  n: optional(z.int().min(1).max(maxChoices)),
  max_tokens: optional(z.int().min(1)),
  temperature: optional(z.number().min(0).max(2)),
  top_p: optional(z.number().gt(0).max(1)),
  top_k: optional(z.int().min(0)),
  min_p: optional(z.number().min(0).max(1)),
  repetition_penalty: optional(z.number().gt(0).max(10)),
  presence_penalty: optional(z.number().min(-2).max(2)),
  frequency_penalty: optional(z.number().min(-2).max(2)),
  seed: optional(z.int()),
  stop: optional(z.union([z.string().min(1), z.array(z.string().min(1)).max(4)])),
  user: optional(z.string()),
  ...Object.fromEntries([...unsupported.keys()].map((key) => [key, z.unknown().optional()])),
};

const chatSchema = z.strictObject({
  ...common,
  // Read by responseFormatConstraint and toolMode, whose GrammarError names what is wrong.
  response_format: optional(z.looseObject({ type: z.string() })),
  tools: optional(z.array(z.unknown())),
  tool_choice: optional(z.unknown()),
  messages: z.array(message).min(1),
  max_completion_tokens: optional(z.int().min(1)),
  logprobs: optional(z.boolean()),
  top_logprobs: optional(z.int().min(0).max(20)),
});

const completionSchema = z.strictObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).min(1)], {
    error: 'prompt must be a string or an array of strings (token-id prompts are not supported)',
  }),
  logprobs: optional(z.int().min(0).max(5)),
});

export interface CompletionRequest {
  kind: 'chat' | 'completion';
  model: string | undefined;
  /** One generation input per prompt: chat messages, or prompt strings. */
  inputs: Message[][] | string[];
  stream: boolean;
  includeUsage: boolean;
  n: number;
  /** Alternatives per token when logprobs were asked for; undefined when not. */
  topLogprobs: number | undefined;
  options: Omit<GenerateOptions, 'signal' | 'logprobs'>;
  /** Chat under `tools` (and a `tool_choice` other than none): answers may be tool calls. */
  toolMode?: ToolMode;
}

/** Validates a /v1/chat/completions or /v1/completions body; throws a 400 RequestError naming the parameter. */
export function parseCompletionRequest(kind: 'chat' | 'completion', body: unknown): CompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError({ status: 400, code: 'invalid_body', message: 'the body must be a JSON object' });
  for (const [key, value] of Object.entries(body)) {
    if (value !== null && unsupported.get(key)?.(value))
      throw new RequestError({
        status: 400,
        code: 'unsupported_parameter',
        param: key,
        message: `\`${key}\` is not supported by this server`,
      });
  }
  if (kind === 'chat') {
    const chat = parseWithSchema(chatSchema, body);
    if (chat.top_logprobs !== undefined && chat.logprobs !== true)
      throw new RequestError({
        status: 400,
        code: 'invalid_value',
        param: 'top_logprobs',
        message: '`top_logprobs` needs `logprobs: true`',
      });
    const constraint = grammarOf('response_format', () => responseFormatConstraint(chat.response_format));
    const tools = grammarOf('tools', () => toolMode(chat.tools, chat.tool_choice));
    if (constraint && tools)
      throw new RequestError({
        status: 400,
        code: 'unsupported_value',
        param: 'response_format',
        message: '`response_format` with `tools` is not supported: send one or the other',
      });
    const toolConstraint: OutputConstraint | undefined = tools && { name: 'tools', grammar: tools.grammar };
    return {
      ...shared(chat),
      kind,
      inputs: [tools ? withToolPrompt(chat.messages, tools) : chat.messages],
      topLogprobs: chat.logprobs ? (chat.top_logprobs ?? 0) : undefined,
      options: {
        ...options(chat),
        maxTokens: chat.max_completion_tokens ?? chat.max_tokens,
        ...(constraint || toolConstraint ? { constraint: constraint ?? toolConstraint } : {}),
      },
      ...(tools ? { toolMode: tools } : {}),
    };
  }
  const completion = parseWithSchema(completionSchema, body);
  const prompts = typeof completion.prompt === 'string' ? 1 : completion.prompt.length;
  if (prompts * (completion.n ?? 1) > maxChoices)
    throw new RequestError({
      status: 400,
      code: 'too_big',
      param: 'n',
      message: `${prompts} prompts × n = ${completion.n ?? 1} asks for more than ${maxChoices} choices`,
    });
  return {
    ...shared(completion),
    kind,
    inputs: typeof completion.prompt === 'string' ? [completion.prompt] : completion.prompt,
    topLogprobs: completion.logprobs,
    options: { ...options(completion), maxTokens: completion.max_tokens },
  };
}

/** Runs a grammar builder; its GrammarError becomes a 400 naming `param`. */
function grammarOf<T>(param: 'response_format' | 'tools', build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!GrammarError.isInstance(error)) throw error;
    throw new RequestError({
      status: 400,
      code: param === 'tools' ? 'invalid_tools' : 'invalid_response_format',
      param,
      message: `invalid \`${param}\`: ${error.message}`,
    });
  }
}

type Common = z.output<z.ZodObject<typeof common>>;

const shared = (body: Common) => ({
  model: body.model,
  stream: body.stream ?? false,
  includeUsage: body.stream_options?.include_usage ?? false,
  n: body.n ?? 1,
});

const options = (body: Common): CompletionRequest['options'] => ({
  temperature: body.temperature,
  topP: body.top_p,
  topK: body.top_k,
  minP: body.min_p,
  repetitionPenalty: body.repetition_penalty,
  presencePenalty: body.presence_penalty,
  frequencyPenalty: body.frequency_penalty,
  seed: body.seed,
  stop: typeof body.stop === 'string' ? [body.stop] : body.stop,
});
