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
  /** Token id → additive bias on its logit. */
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

export interface GenerateOptions extends SamplingOptions {
  maxTokens?: number;
  /** Text sequences that end generation; the matched text is not part of the result. */
  stop?: string[];
  signal?: AbortSignal;
  /** Functions the LM may call; only LMs with `supportsFunctionCalling` send them. */
  tools?: FunctionDefinition[];
  /** OpenAI's `tool_choice`. */
  toolChoice?: 'auto' | 'none' | 'required';
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
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
