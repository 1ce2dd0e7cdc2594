import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { XError } from '../errors/x-error.js';
import type { GenerateOptions, LM, LMResult } from '../lm/lm.js';
import type { Field } from '../signature/field.js';
import type { Signature } from '../signature/signature.js';
import { Tool } from '../tools/tool.js';
import { ToolCalls } from '../tools/tool-calls.js';

type Values = Record<string, unknown>;

/** What native function calling changes in one adapter call (DSPy's `_call_preprocess`). */
export interface NativeToolPlan {
  /** The signature without the tools input and the ToolCalls output: what the prompt shows. */
  signature: Signature;
  inputs: Values;
  options: GenerateOptions;
  toolCallsField: string;
}

/**
 * When the signature has a `ToolCalls` output and the LM supports native function calling, the
 * tools go to the LM as `tools` and both fields leave the prompt. Returns undefined otherwise.
 * Throws when there is a ToolCalls output but no `list[Tool]` input, as DSPy does.
 */
export function planNativeToolCall(
  lm: LM,
  signature: Signature,
  inputs: Values,
  options: GenerateOptions,
): NativeToolPlan | undefined {
  const toolCallsField = signature.outputFields.find((field) => field.type.kind === 'toolCalls');
  if (!toolCallsField) return undefined;
  const toolsField = signature.inputFields.find(isToolsField);
  if (!toolsField) {
    throw new XError(
      'X_INVALID_SIGNATURE',
      `You provided an output field ${toolCallsField.name} to receive the tool calls information, but did not provide any tools as the input. Please provide a list of tools as the input by adding an input field with type \`list[Tool]\`.`,
    );
  }
  if (!lm.supportsFunctionCalling) return undefined;
  const given = inputs[toolsField.name];
  const tools = (Array.isArray(given) ? given : given === undefined ? [] : [given]).filter(
    (tool): tool is Tool => tool instanceof Tool,
  );
  const rest = { ...inputs };
  delete rest[toolsField.name];
  return {
    signature: signature.delete(toolCallsField.name).delete(toolsField.name),
    inputs: rest,
    options: { ...options, tools: tools.map((tool) => tool.toDefinition()) },
    toolCallsField: toolCallsField.name,
  };
}

/**
 * DSPy's `_call_postprocess`: the text is parsed against the reduced signature (leniently when the
 * LM made tool calls), missing outputs become null, and the ToolCalls field holds the LM's calls.
 */
export function finishNativeToolCall(
  plan: NativeToolPlan,
  original: Signature,
  result: LMResult,
  parse: (signature: Signature, text: string) => Values,
  parseError: (reason: string) => AdapterParseError,
): Values {
  const calls = result.toolCalls ?? [];
  let values: Values = {};
  if (calls.length === 0) {
    if (!result.text) throw parseError('The LM returned an empty or null response.');
    values = parse(plan.signature, result.text);
  } else if (result.text && plan.signature.outputFields.length > 0) {
    try {
      values = parse(plan.signature, result.text);
    } catch (error) {
      if (!AdapterParseError.isInstance(error)) throw error;
    }
  }
  for (const field of original.outputFields) values[field.name] ??= defaultOf(field);
  values[plan.toolCallsField] =
    calls.length > 0
      ? new ToolCalls(
          calls.map((call) => ({
            name: call.name,
            args: ToolCalls.from({ name: call.name, arguments: call.arguments })!.toolCalls[0]!.args,
            ...(call.id ? { id: call.id } : {}),
          })),
        )
      : null;
  return values;
}

function defaultOf(field: Field): unknown {
  return Object.hasOwn(field, 'default') ? field.default : null;
}

function isToolsField(field: Field): boolean {
  return field.type.kind === 'tool' || (field.type.kind === 'list' && field.type.items.kind === 'tool');
}
