import type { Adapter } from '../adapters/adapter.js';
import { BaseAdapter } from '../adapters/base-adapter.js';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { ContextLengthError } from '../errors/context-length-error.js';
import type { LM } from '../lm/lm.js';
import { makeField } from '../signature/field.js';
import { Signature } from '../signature/signature.js';
import { Tool } from '../tools/tool.js';
import { ChainOfThought } from './chain-of-thought.js';
import type { ForwardOptions, Module, Predictor } from './module.js';
import { Predict } from './predict.js';
import { createPrediction, type Prediction, predictionInfo } from './prediction.js';

type Values = Record<string, unknown>;
type ReActOutputs<O extends Values> = { trajectory: Record<string, unknown>; reasoning: string } & O;

export interface ReActOptions {
  tools: readonly Tool[];
  /** Tool steps per call at most. Default 20, as DSPy. */
  maxIters?: number;
  lm?: LM;
  adapter?: Adapter;
}

export interface ReActForwardOptions extends ForwardOptions {
  /** This call's step limit (DSPy's `max_iters` argument). */
  maxIters?: number;
}

/**
 * DSPy 3.3.1's ReAct: a Predict picks `next_thought`, `next_tool_name` and `next_tool_args` from the
 * inputs and the trajectory so far; the tool runs and its value (or error) becomes the next
 * observation; `finish` ends the loop, and a ChainOfThought extracts the outputs from the trajectory.
 * The tool protocol is the adapter's text; it works on any LM.
 */
export class ReAct<I extends Values = Values, O extends Values = Values>
  implements Module<I, ReActOutputs<O>>
{
  readonly signature: Signature<I, O>;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly maxIters: number;
  readonly react: Predict;
  readonly extract: ChainOfThought;

  constructor(signature: Signature<I, O> | string, options: ReActOptions) {
    const base = (typeof signature === 'string' ? Signature.from(signature) : signature) as Signature<I, O>;
    this.signature = base;
    this.maxIters = options.maxIters ?? 20;
    const names = (fields: readonly { name: string }[]) =>
      fields.map((field) => `\`${field.name}\``).join(', ');
    const inputs = names(base.inputFields);
    const outputs = names(base.outputFields);
    const tools = new Map<string, Tool>();
    for (const tool of options.tools) tools.set(tool.name, tool);
    tools.set(
      'finish',
      new Tool({
        name: 'finish',
        desc: `Marks the task as complete. That is, signals that all information for producing the outputs, i.e. ${outputs}, are now available to be extracted.`,
        execute: () => 'Completed.',
      }),
    );
    this.tools = tools;
    const instructions = [
      ...(base.instructions ? [`${base.instructions}\n`] : []),
      `You are an Agent. In each episode, you will be given the fields ${inputs} as input. And you can see your past trajectory so far.`,
      `Your goal is to use one or more of the supplied tools to collect any necessary information for producing ${outputs}.\n`,
      'To do this, you will interleave next_thought, next_tool_name, and next_tool_args in each turn, and also when finishing the task.',
      'After each tool call, you receive a resulting observation, which gets appended to your trajectory.\n',
      'When writing next_thought, you may reason about the current situation and plan for future steps.',
      'When selecting the next_tool_name and its next_tool_args, the tool must be one of:\n',
      ...[...tools.values()].map((tool, index) => `(${index + 1}) ${tool}`),
      'When providing `next_tool_args`, the value inside the field must be in JSON format',
    ];
    const reactSignature = Signature.fromFields(
      [
        ...base.inputFields,
        makeField('trajectory', 'input', { type: 'str' }),
        makeField('next_thought', 'output', { type: 'str' }),
        makeField('next_tool_name', 'output', { type: { kind: 'literal', values: [...tools.keys()] } }),
        makeField('next_tool_args', 'output', { type: 'dict[str, Any]' }),
      ],
      instructions.join('\n'),
    );
    const fallbackSignature = Signature.fromFields(
      [...base.inputFields, ...base.outputFields, makeField('trajectory', 'input', { type: 'str' })],
      base.instructions,
    );
    const predictOptions = { lm: options.lm, ...(options.adapter ? { adapter: options.adapter } : {}) };
    this.react = new Predict(reactSignature, predictOptions);
    this.extract = new ChainOfThought(fallbackSignature, predictOptions);
  }

  async forward(inputs: I, options: ReActForwardOptions = {}): Promise<Prediction<ReActOutputs<O>>> {
    const { maxIters = this.maxIters, ...callOptions } = options;
    let trajectory: Record<string, unknown> = {};
    for (let index = 0; index < maxIters; index++) {
      let step: Prediction;
      try {
        ({ prediction: step, trajectory } = await this.callWithTruncation(
          this.react,
          inputs,
          trajectory,
          callOptions,
        ));
      } catch (error) {
        // DSPy ends the trajectory on a context overflow; ending it on an unparseable step too is ours.
        if (ContextLengthError.isInstance(error) || AdapterParseError.isInstance(error)) break;
        throw error;
      }
      const toolName = step.next_tool_name as string;
      const toolArgs = (step.next_tool_args ?? {}) as Record<string, unknown>;
      trajectory[`thought_${index}`] = step.next_thought;
      trajectory[`tool_name_${index}`] = toolName;
      trajectory[`tool_args_${index}`] = toolArgs;
      try {
        trajectory[`observation_${index}`] = await this.tools
          .get(toolName)!
          .call(toolArgs, { signal: callOptions.signal });
      } catch (error) {
        if (callOptions.signal?.aborted) throw error;
        trajectory[`observation_${index}`] = `Execution error in ${toolName}: ${errorText(error)}`;
      }
      if (toolName === 'finish') break;
    }
    const extracted = await this.callWithTruncation(this.extract, inputs, trajectory, callOptions);
    const info = predictionInfo(extracted.prediction);
    const values = { trajectory: extracted.trajectory, ...extracted.prediction } as ReActOutputs<O>;
    return info ? createPrediction(values, info) : values;
  }

  call(inputs: I, options?: ReActForwardOptions): Promise<Prediction<ReActOutputs<O>>> {
    return this.forward(inputs, options);
  }

  namedPredictors(): Array<[string, Predictor]> {
    return [
      ['react', this.react],
      ['extract.predict', this.extract.predict],
    ];
  }

  inputNames(): string[] {
    return this.signature.inputFields.map((field) => field.name);
  }

  clone(): this {
    const copy = Object.create(ReAct.prototype) as ReAct<I, O>;
    Object.assign(copy, {
      signature: this.signature,
      tools: this.tools,
      maxIters: this.maxIters,
      react: this.react.clone(),
      extract: this.extract.clone(),
    });
    return copy as this;
  }

  /** DSPy's `_format_trajectory`: the steps as `[[ ## key ## ]]` sections. */
  formatTrajectory(trajectory: Readonly<Record<string, unknown>>): string {
    const keys = Object.keys(trajectory);
    if (keys.length === 0) return '';
    const adapter = this.react.adapter instanceof BaseAdapter ? this.react.adapter : new ChatAdapter();
    return adapter.formatUserContent(Signature.from(`${keys.join(', ')} -> x`), trajectory);
  }

  /** DSPy's `truncate_trajectory`: drops the oldest step (its 4 keys); a single step cannot shrink. */
  truncateTrajectory(trajectory: Readonly<Record<string, unknown>>, cause: unknown): Record<string, unknown> {
    const keys = Object.keys(trajectory);
    if (keys.length <= 4) throw cause;
    return Object.fromEntries(keys.slice(4).map((key) => [key, trajectory[key]]));
  }

  private async callWithTruncation(
    module: Pick<Module, 'forward'>,
    inputs: I,
    start: Record<string, unknown>,
    options: ForwardOptions,
  ): Promise<{ prediction: Prediction; trajectory: Record<string, unknown> }> {
    let trajectory = start;
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const prediction = await module.forward(
          { ...inputs, trajectory: this.formatTrajectory(trajectory) },
          options,
        );
        return { prediction, trajectory };
      } catch (error) {
        if (!ContextLengthError.isInstance(error)) throw error;
        lastError = error;
        trajectory = this.truncateTrajectory(trajectory, error);
      }
    }
    throw lastError;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
