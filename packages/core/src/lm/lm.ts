import type { OutputConstraint } from '../grammar/output-constraint.js';

/** One chat message, as adapters produce them and chat templates consume them. */
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SamplingOptions {
  /** 0 means greedy. Default 0 for local models. */
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repetitionPenalty?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /**
   * Token id → additive bias on its logit. As in OpenAI's API, a bias of -100 or lower bans the token
   * (local models leave it out of the pick while any other token is allowed, so a greedy call whose
   * bias only bans can take the engine's masked argmax).
   */
  logitBias?: Record<number, number>;
  /** Same seed, same prompt, same options → same tokens. */
  seed?: number;
}

/** A function the LM may call under native function calling (OpenAI's `tools` entry). */
export interface FunctionDefinition {
  type: 'function';
  function: { name: string; description: string | null; parameters: Record<string, unknown> };
}

/** A function call the LM made under native function calling; `arguments` is the JSON text it wrote. */
export interface LMToolCall {
  id?: string;
  name: string;
  arguments: string;
}

/** A candidate token at one generation step with its log-probability under the model's raw logits. */
export interface TokenAlternative {
  id: number;
  /** The token's bytes (a token may hold part of a UTF-8 character). */
  bytes: Uint8Array;
  logprob: number;
}

/** One generated token with its log-probability and the likeliest alternatives at its step. */
export interface TokenLogprob extends TokenAlternative {
  /** The `top` likeliest tokens at this step, most likely first (empty when `top` is 0). */
  top: TokenAlternative[];
}

export interface LogprobsOptions {
  /** How many alternatives to report per step (0 = only the chosen token). */
  top: number;
  /** Called for every generated token except a final stop token, before its text is emitted. */
  onToken: (token: TokenLogprob) => void;
}

export interface GenerateOptions extends SamplingOptions {
  maxTokens?: number;
  /**
   * The output's grammar. Local LMs mask every token that would leave it (adapters set it from the
   * signature); remote LMs send its JSON schema as `response_format` when it has one.
   */
  constraint?: OutputConstraint;
  /** `false` ignores `constraint`: the LM samples freely (default true). */
  constrain?: boolean;
  /** Text sequences that end generation; the matched text is not part of the result. */
  stop?: string[];
  signal?: AbortSignal;
  /** Functions the LM may call; only LMs with `supportsFunctionCalling` send them. */
  tools?: FunctionDefinition[];
  /** OpenAI's `tool_choice`. */
  toolChoice?: 'auto' | 'none' | 'required';
  /** Per-token log-probabilities; local LMs report them, others ignore this. */
  logprobs?: LogprobsOptions;
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens read from a cache instead of computed (a local LM's prefix cache), when the LM knows. */
  cachedPromptTokens?: number;
}

export interface Timings {
  /** Milliseconds from the call to the first generated token. */
  ttftMs: number;
  /** Completion tokens per second over the decode phase. */
  tokensPerSecond: number;
  /** Prompt tokens per second during prefill, when the backend knows it. */
  prefillTokensPerSecond?: number;
  totalMs?: number;
}

export interface LMResult {
  text: string;
  /** The generated token ids; local LMs always fill this. */
  tokenIds?: number[];
  usage: Usage;
  finishReason: FinishReason;
  timings: Timings;
  /** The function calls the LM made (native function calling only). */
  toolCalls?: LMToolCall[];
}

/** A stream of text deltas whose completion resolves to the same result `generate` would give. */
export interface LMStream extends AsyncIterable<string> {
  /** Resolves when the stream has been consumed to the end (or failed). */
  readonly result: Promise<LMResult>;
}

/** A language model. Every backend (remote, local native, ONNX, scripted) implements this. */
export interface LM {
  /** A short human-readable identifier ("candle-native:smollm2.gguf", "openai:gpt-4o-mini"). */
  readonly id: string;
  /** Context window in tokens. */
  readonly contextLength: number;
  /** True when `generate` honours `options.tools` and fills `result.toolCalls` (native function calling). */
  readonly supportsFunctionCalling?: boolean;
  /**
   * Options the LM applies under each call's own (its configured defaults, and any other setting
   * that changes its answers); `CachedLM` keys on them too.
   */
  readonly defaultOptions?: Readonly<Omit<GenerateOptions, 'signal'>>;
  /**
   * How many calls in flight serve this LM best: a local LM batches that many through its scheduler.
   * Evaluate uses it as its default concurrency; unset means a remote LM (a bounded 8).
   */
  readonly preferredConcurrency?: number;
  generate(messages: Message[], options?: GenerateOptions): Promise<LMResult>;
  complete(prompt: string, options?: GenerateOptions): Promise<LMResult>;
  stream(messages: Message[], options?: GenerateOptions): LMStream;
  streamComplete(prompt: string, options?: GenerateOptions): LMStream;
  /** Counts tokens with the model's real tokenizer (messages: as the chat template renders them). */
  countTokens(input: string | Message[]): Promise<number>;
  dispose(): Promise<void>;
}
