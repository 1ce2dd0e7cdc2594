import {
  assertFitsContext,
  BaseLM,
  type EmitDelta,
  type GenerateOptions,
  type LMRequest,
  type LMResult,
  type LogprobsOptions,
  type Message,
  requestFromInput,
  throwIfAborted,
  UnsupportedError,
} from '@x/core';
import type { ChatTemplate } from '../chat-template/chat-template.js';
import { chatTemplateForTokenizer } from '../chat-template/chat-template-for-tokenizer.js';
import { renderWithContentRanges } from '../chat-template/render-with-content-ranges.js';
import type { Engine } from '../engine/engine.js';
import { logProbabilities } from '../sampling/log-probabilities.js';
import { createSampler, type SamplerOptions } from '../sampling/sampler.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { checkDraftVocabulary } from './check-draft-vocabulary.js';
import { ConstraintCompiler } from './constraint-compiler.js';
import { DraftModel } from './draft-model.js';
import { GenerationTask } from './generation-task.js';
import { PromptSizeGuard } from './prompt-size-guard.js';
import { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';

export interface LocalLMOptions extends SchedulerOptions {
  engine: Engine;
  tokenizer: Tokenizer;
  /** A ChatTemplate, a fallback name ('chatml', 'llama3', …) or Jinja source. Default: picked from the vocabulary. */
  chatTemplate?: ChatTemplate | string;
  /** The model's own template text, used when `chatTemplate` is not given. */
  modelChatTemplate?: string;
  id?: string;
  /** GGUF `general.architecture`, read when picking a fallback template. Default: engine.info.architecture. */
  architecture?: string;
  /** Completion tokens when the caller gives no maxTokens: min(this, room left in the context). Default 512. */
  defaultMaxTokens?: number;
  /** Sampling defaults under each call's options (e.g. a model's recommended temperature). */
  sampling?: SamplerOptions;
  /** Whether dispose() also disposes the engine (default true). */
  disposeEngine?: boolean;
  /**
   * Lets text in message contents and completion prompts become control tokens: `<|im_end|>`
   * typed by a user then ends the turn. Default false, so only the chat template's own markup
   * is ever a control token. Turn on only for trusted callers that write raw special tokens.
   */
  parseSpecialInContent?: boolean;
  /**
   * A smaller model with the same vocabulary for speculative decoding: an Engine, or an engine with
   * its tokenizer (a LocalLM is one), whose vocabulary is then checked token by token. Greedy
   * requests in small batches (`draftModelMaxBatch`) draft `draftModelTokens` tokens on it and the
   * target verifies them in one forward call, so the output is the target's own greedy output.
   * Throws VocabularyMismatchError when the vocabularies differ.
   */
  draftModel?: Engine | { engine: Engine; tokenizer?: Tokenizer };
  /** Whether dispose() also disposes the draft model's engine (default false: the caller owns it). */
  disposeDraftModel?: boolean;
}

/**
 * Core's `LM` over any Engine: chat template → tokens → scheduler (continuous batching, prefix
 * cache) → sampler → stream decoder → stop checks. Several calls may run at once.
 */
export class LocalLM extends BaseLM {
  readonly id: string;
  readonly contextLength: number;
  readonly engine: Engine;
  readonly tokenizer: Tokenizer;
  readonly chatTemplate: ChatTemplate;
  private readonly scheduler: Scheduler;
  private readonly constraints: ConstraintCompiler;
  private readonly options: LocalLMOptions;
  private readonly sizeGuard: PromptSizeGuard;
  private readonly draft: DraftModel | undefined;
  private disposed = false;

  constructor(options: LocalLMOptions) {
    super();
    this.options = options;
    this.engine = options.engine;
    this.tokenizer = options.tokenizer;
    this.contextLength = options.engine.info.contextLength;
    this.id =
      options.id ??
      `${options.engine.info.backend}:${options.engine.info.name ?? options.engine.info.architecture}`;
    this.chatTemplate =
      typeof options.chatTemplate === 'object'
        ? options.chatTemplate
        : chatTemplateForTokenizer(options.tokenizer, {
            architecture: options.architecture ?? options.engine.info.architecture,
            modelTemplate: options.modelChatTemplate,
            override: options.chatTemplate,
          });
    if (options.draftModel !== undefined) {
      const draft = 'forward' in options.draftModel ? { engine: options.draftModel } : options.draftModel;
      checkDraftVocabulary({ engine: options.engine, tokenizer: options.tokenizer }, draft);
      this.draft = new DraftModel(draft.engine, {
        vocabLimit: Math.min(options.engine.info.vocabSize, draft.tokenizer?.vocabSize ?? Infinity),
        prefillChunkSize: options.prefillChunkSize,
      });
    }
    const constraints = new ConstraintCompiler(options.tokenizer, options.engine.info.vocabSize);
    this.constraints = constraints;
    // A first constrained call's token trie is made while the engine prefills its prompt.
    this.scheduler = new Scheduler(options.engine, options, this.draft, {
      pending: () => constraints.preparing,
      run: () => constraints.prepare(),
    });
    this.sizeGuard = new PromptSizeGuard(options.tokenizer, this.contextLength);
  }

  /**
   * Queue depth, KV slots in use and KV bytes reserved, right now (for a server's metrics), and the
   * speculative tokens drafted and accepted, the preemptions and the tokens recomputed so far.
   */
  stats(): SchedulerStats {
    return this.scheduler.stats();
  }

  /**
   * The settings under each call's options that change its answers, for core's CachedLM key: the
   * sampling defaults, the chat template's source (it renders the messages) and, when set,
   * `defaultMaxTokens` (it caps a call that gives no maxTokens).
   */
  get defaultOptions(): Readonly<SamplerOptions & { chatTemplate: string; defaultMaxTokens?: number }> {
    const { defaultMaxTokens } = this.options;
    return {
      ...this.options.sampling,
      chatTemplate: this.chatTemplate.source,
      ...(defaultMaxTokens === undefined ? {} : { defaultMaxTokens }),
    };
  }

  /** Calls in flight that batch together in one decode step: Evaluate's default concurrency. */
  get preferredConcurrency(): number {
    return this.scheduler.maxBatchSize;
  }

  /**
   * The prompt tokens a request becomes, exactly as generation will see them. Message contents and
   * completion prompts are tokenized as plain text (see `parseSpecialInContent`); only the chat
   * template's own markup becomes control tokens.
   */
  encodeRequest(request: LMRequest): number[] {
    const trusted = this.options.parseSpecialInContent ?? false;
    if (request.kind === 'completion')
      return this.tokenizer.encode(request.prompt, { addSpecial: true, parseSpecial: trusted });
    const { text, contentRanges, unlocated } = renderWithContentRanges(this.chatTemplate, request.messages, {
      addGenerationPrompt: true,
    });
    const bos =
      this.tokenizer.bosId === undefined ? undefined : this.tokenizer.tokenText(this.tokenizer.bosId);
    // Templates that write BOS themselves (Llama-3, Gemma) must not get a second one from the tokenizer.
    const addSpecial = bos === undefined || bos === '' || !text.startsWith(bos);
    if (trusted) return this.tokenizer.encode(text, { addSpecial, parseSpecial: true });
    for (const index of unlocated) {
      const content = request.messages[index]!.content;
      const ids = this.tokenizer.encode(content, { addSpecial: false, parseSpecial: true });
      if (ids.some((id) => this.tokenizer.isSpecial(id)))
        throw new UnsupportedError(
          'chat-template',
          `message ${index} holds special-token text, and the chat template rewrites contents so it cannot be kept as text`,
        );
    }
    return this.tokenizer.encode(text, { addSpecial, parseSpecial: true, literalRanges: contentRanges });
  }

  /** Throws ContextLengthError, without tokenizing it all, for input far beyond the context. */
  async countTokens(input: string | Message[]): Promise<number> {
    const request = requestFromInput(input);
    const counting = this.sizeGuard.check(request);
    if (counting !== undefined) await counting;
    return this.encodeRequest(request).length;
  }

  protected async streamRequest(
    request: LMRequest,
    options: GenerateOptions,
    emit: EmitDelta,
    signal: AbortSignal | undefined,
  ): Promise<LMResult> {
    const startMs = performance.now();
    if (this.disposed) throw new UnsupportedError('disposed-lm', `${this.id} has been disposed`);
    // Synchronous for short prompts, so calls made together reach the scheduler together.
    const counting = this.sizeGuard.check(request, signal);
    if (counting !== undefined) await counting;
    const promptTokens = this.encodeRequest(request);
    if (promptTokens.length === 0)
      throw new UnsupportedError('empty-prompt', 'the prompt encodes to no tokens');
    const maxTokens = this.resolveMaxTokens(promptTokens.length, options.maxTokens);
    const samplerOptions = { ...this.options.sampling, ...definedOnly(options) };
    for (const key of Object.keys(samplerOptions.logitBias ?? {})) {
      if (Number(key) >= this.engine.info.vocabSize) {
        throw new RangeError(
          `logitBias names token ${key}, but the vocabulary has ${this.engine.info.vocabSize}`,
        );
      }
    }
    const sampler = createSampler(samplerOptions);
    throwIfAborted(signal);
    const task = new GenerationTask({
      promptTokens,
      maxTokens,
      sampler,
      constraint: this.constraints.matcherFor(options),
      stopIds: this.tokenizer.stopIds,
      stop: options.stop,
      decoder: this.tokenizer.createStreamDecoder({ skipSpecial: true }),
      emit,
      signal,
      startMs,
      observe: options.logprobs && this.logprobObserver(options.logprobs),
    });
    return this.scheduler.run(task);
  }

  override async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    if (this.options.disposeEngine ?? true) await this.engine.dispose();
    if (this.draft !== undefined && this.options.disposeDraftModel) await this.draft.engine.dispose();
  }

  private logprobObserver({ top, onToken }: LogprobsOptions) {
    if (!Number.isInteger(top) || top < 0)
      throw new RangeError(`logprobs.top must be an integer >= 0, got ${top}`);
    return (id: number, logits: Float32Array) => {
      const ranked = logProbabilities(logits, id, top);
      const bytes = (tokenId: number) => this.tokenizer.tokenBytes(tokenId);
      onToken({
        id,
        bytes: bytes(id),
        logprob: ranked.logprob,
        top: ranked.top.map((entry) => ({ ...entry, bytes: bytes(entry.id) })),
      });
    };
  }

  /** Explicit maxTokens must fit whole; the default takes what room is left, up to defaultMaxTokens. */
  private resolveMaxTokens(promptTokens: number, requested: number | undefined): number {
    if (requested !== undefined && (!Number.isInteger(requested) || requested < 1)) {
      throw new RangeError(`maxTokens must be an integer >= 1, got ${requested}`);
    }
    assertFitsContext({ promptTokens, contextLength: this.contextLength, maxTokens: requested });
    return requested ?? Math.min(this.options.defaultMaxTokens ?? 512, this.contextLength - promptTokens);
  }
}

/** The options that are not sampling settings (everything else in GenerateOptions is one). */
const NOT_SAMPLING: ReadonlySet<string> = new Set([
  'maxTokens',
  'stop',
  'signal',
  'logprobs',
  'constraint',
  'constrain',
  'tools',
  'toolChoice',
] satisfies ReadonlyArray<keyof GenerateOptions>);

/** The sampling settings `options` gives a value (one pass: every call makes its sampler from them). */
function definedOnly(options: GenerateOptions): SamplerOptions {
  const sampling: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && !NOT_SAMPLING.has(key)) sampling[key] = value;
  }
  return sampling as SamplerOptions;
}
