import { parseLooseLiteral } from '../adapters/loose-literal.js';
import type { JsonSchema } from '../signature/field-type.js';
import type { Tool } from './tool.js';
import { ToolError } from './tool-error.js';

/** One call the LM asked for. `id` is the provider's call id under native function calling. */
export interface ToolCall {
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly id?: string;
}

/**
 * DSPy's `dspy.ToolCalls`: the value of an output field that receives the LM's tool calls, from
 * native function calling or from the text (`{"tool_calls": [{"name": …, "args": {…}}]}`).
 */
export class ToolCalls {
  /** DSPy's `ToolCalls.description()`, shown under the field in the system message. */
  static readonly description =
    'Tool calls must be a JSON object with `tool_calls`, a list of calls. Each call must include `name` and `args`. ' +
    'Example: {"tool_calls": [{"name": "search", "args": {"query": "cats"}}]}';

  constructor(readonly toolCalls: readonly ToolCall[]) {}

  /**
   * DSPy's `ToolCalls.validate_input`: `{tool_calls: [...]}`, a list of calls, or one call; a call is
   * `{name, args}`, `{name, arguments}` (arguments may be a JSON string) or OpenAI's `{id, function: {…}}`.
   * Returns undefined for anything else.
   */
  static from(value: unknown): ToolCalls | undefined {
    if (value instanceof ToolCalls) return value;
    if (Array.isArray(value)) {
      const calls = value.map(toToolCall);
      return calls.every((call) => call !== undefined) ? new ToolCalls(calls as ToolCall[]) : undefined;
    }
    if (!isRecord(value)) return undefined;
    if (Array.isArray(value.tool_calls)) return ToolCalls.from(value.tool_calls);
    const call = toToolCall(value);
    return call ? new ToolCalls([call]) : undefined;
  }

  /** Runs each call with the tool of that name, in order; returns their values. */
  async execute(tools: readonly Tool[], options: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const call of this.toolCalls) {
      const tool = tools.find((candidate) => candidate.name === call.name);
      if (!tool)
        throw new ToolError({ toolName: call.name, message: `Tool function '${call.name}' not found.` });
      results.push(await tool.call({ ...call.args }, options));
    }
    return results;
  }

  /** DSPy's serialised form, used when a ToolCalls value is formatted into a prompt. */
  toJSON(): { tool_calls: { name: string; args: Record<string, unknown> }[] } {
    return { tool_calls: this.toolCalls.map((call) => ({ name: call.name, args: { ...call.args } })) };
  }
}

/** pydantic's JSON schema of `dspy.ToolCalls` (without `id` and `tool_call_results`, as DSPy removes them). */
export function toolCallsJsonSchema(): JsonSchema {
  return {
    $defs: {
      ToolCall: {
        properties: {
          args: { additionalProperties: true, title: 'Args', type: 'object' },
          name: { title: 'Name', type: 'string' },
        },
        required: ['name', 'args'],
        title: 'ToolCall',
        type: 'object',
      },
    },
    properties: { tool_calls: { items: { $ref: '#/$defs/ToolCall' }, title: 'Tool Calls', type: 'array' } },
    required: ['tool_calls'],
    title: 'ToolCalls',
    type: 'object',
  };
}

function toToolCall(value: unknown): ToolCall | undefined {
  if (!isRecord(value)) return undefined;
  const fn = isRecord(value.function) ? value.function : undefined;
  const name = fn?.name ?? value.name;
  if (typeof name !== 'string') return undefined;
  if (!fn && !('args' in value) && !('arguments' in value)) return undefined;
  let args = fn ? fn.arguments : (value.args ?? value.arguments);
  if (typeof args === 'string') {
    const parsed = parseLooseLiteral(args);
    args = parsed.ok ? parsed.value : {};
  }
  const id = value.id ?? value.call_id;
  return {
    name,
    args: isRecord(args) ? args : {},
    ...(typeof id === 'string' ? { id } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
