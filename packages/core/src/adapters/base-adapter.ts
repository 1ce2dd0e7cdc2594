import { AdapterParseError } from '../errors/adapter-parse-error.js';
import type { OutputConstraint } from '../grammar/output-constraint.js';
import type { LM, Message } from '../lm/lm.js';
import type { Field } from '../signature/field.js';
import type { Signature } from '../signature/signature.js';
import { allowsNone } from '../signature/union-type.js';
import type { Adapter, AdapterCallOptions, AdapterCallResult, Demo, HistoryTurn } from './adapter.js';
import { CoercionError } from './coerce-value.js';
import { constrainedOptions } from './constrained-options.js';
import { formatFieldDescriptions, formatTaskDescription } from './field-description.js';
import { formatFieldValue } from './format-field-value.js';
import { FormatMemo, type FormattedDemo } from './format-memo.js';
import { has } from './has.js';
import { finishNativeToolCall, planNativeToolCall } from './native-tool-call.js';
import { parseKeepingRawText } from './parse-keeping-raw-text.js';
import { pythonStrip } from './python-text.js';

type Values = Record<string, unknown>;

const incompleteDemoPrefix =
  'This is an example of the task, though some input or output fields are not supplied.';

/**
 * DSPy's `Adapter.format` pipeline, shared by ChatAdapter and JSONAdapter: system message,
 * demos (incomplete ones first), conversation history, then the main user message.
 */
export abstract class BaseAdapter implements Adapter {
  abstract readonly name: string;
  /**
   * The system message, the output requirements and each demo's texts, made once per signature (and
   * demo values): the format methods must depend only on their arguments and the adapter's
   * construction options.
   */
  protected readonly memo = new FormatMemo();
  // The memo's makers, bound once so that a call allocates no closures.
  private readonly formatDemoOnce = (signature: Signature, demo: Demo) => this.formatDemo(signature, demo);
  private readonly outputRequirementsOnce = (signature: Signature) => this.outputRequirements(signature);
  private readonly formatSystemMessageOnce = (signature: Signature) => this.formatSystemMessage(signature);

  /** DSPy's `format_field_structure`: how inputs and outputs will look, with type hints as values. */
  protected abstract formatFieldStructure(signature: Signature): string;
  protected abstract outputRequirements(signature: Signature): string;
  protected abstract formatAssistantContent(
    signature: Signature,
    outputs: Readonly<Values>,
    missingFieldMessage: string | null,
  ): string;
  abstract parse<I extends Values, O extends Values>(signature: Signature<I, O>, text: string): O;
  abstract outputConstraint(signature: Signature): OutputConstraint;

  format<I extends Values, O extends Values>(
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    history?: readonly HistoryTurn[],
  ): Message[] {
    const historyField = signature.inputFields.find((field) => field.type.kind === 'history');
    const main = historyField ? signature.delete(historyField.name) : signature;
    const turns = historyField ? historyMessages((inputs as Values)[historyField.name]) : (history ?? []);
    const mainInputs = { ...(inputs as Values) };
    if (historyField) delete mainInputs[historyField.name];
    return [
      { role: 'system', content: this.memo.systemMessage(signature, this.formatSystemMessageOnce) },
      ...this.formatDemos(signature, demos),
      ...turns.flatMap((turn) => this.formatHistoryTurn(main, turn)),
      { role: 'user', content: this.formatUserContent(main, mainInputs, { mainRequest: true }) },
    ];
  }

  /**
   * Native function calling (DSPy's `use_native_function_calling`): when the signature has a
   * `ToolCalls` output and the LM supports it, tools go to the LM as `tools`, not into the prompt.
   */
  abstract readonly useNativeFunctionCalling: boolean;

  async call<I extends Values, O extends Values>(
    lm: LM,
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    options: AdapterCallOptions = {},
  ): Promise<AdapterCallResult<O>> {
    const { history, ...generateOptions } = options;
    const plan = this.useNativeFunctionCalling
      ? planNativeToolCall(lm, signature, inputs as Values, generateOptions)
      : undefined;
    if (plan) {
      const messages = this.format(plan.signature, demos, plan.inputs, history);
      const result = await lm.generate(messages, plan.options);
      const values = finishNativeToolCall(
        plan,
        signature,
        result,
        (reduced, text) => this.parse(reduced, text),
        (reason) => this.parseError(signature, result.text, {}, reason),
      );
      return { values: values as O, rawText: result.text, result, messages, adapter: this.name };
    }
    const messages = this.format(signature, demos, inputs, history);
    const result = await lm.generate(messages, constrainedOptions(this, signature, generateOptions));
    const values = parseKeepingRawText(this, signature, result.text);
    return { values, rawText: result.text, result, messages, adapter: this.name };
  }

  /**
   * DSPy's `format_conversation_history` for one turn: a user message only when the turn has input
   * text (`if user_content:` in adapters/base.py), then the assistant message.
   */
  protected formatHistoryTurn(signature: Signature, turn: HistoryTurn): Message[] {
    const user = this.formatUserContent(signature, turn);
    const assistant = this.formatAssistantContent(signature, turn, null);
    return [
      ...(user ? [{ role: 'user' as const, content: user }] : []),
      ...(assistant ? [{ role: 'assistant' as const, content: assistant }] : []),
    ];
  }

  /** DSPy's `format_user_message_content`: the given input fields as `[[ ## name ## ]]` sections. */
  formatUserContent(
    signature: Signature,
    inputs: Readonly<Values>,
    options: { prefix?: string; mainRequest?: boolean } = {},
  ): string {
    const parts = [options.prefix ?? ''];
    for (const field of signature.inputFields) {
      if (has(inputs, field.name)) {
        parts.push(`[[ ## ${field.name} ## ]]\n${formatFieldValue(field, inputs[field.name])}`);
      }
    }
    if (options.mainRequest) parts.push(this.memo.outputRequirements(signature, this.outputRequirementsOnce));
    parts.push('');
    return pythonStrip(parts.join('\n\n'));
  }

  /** DSPy's `format_demos`: incomplete demos (with a note) first, then complete ones. */
  formatDemos(signature: Signature, demos: readonly Demo[]): Message[] {
    const incomplete: Message[] = [];
    const complete: Message[] = [];
    for (const demo of demos) {
      const formatted = this.memo.demo(signature, demo, this.formatDemoOnce);
      if (formatted.kind === 'skipped') continue;
      (formatted.kind === 'complete' ? complete : incomplete).push(
        { role: 'user', content: formatted.user },
        { role: 'assistant', content: formatted.assistant },
      );
    }
    return incomplete.concat(complete);
  }

  /** One demo's user and assistant texts as `formatDemos` shows it; skipped without inputs or outputs. */
  protected formatDemo(signature: Signature, demo: Demo): FormattedDemo {
    const isComplete = signature.fields.every((field) => has(demo, field.name) && demo[field.name] !== null);
    if (isComplete) {
      return {
        kind: 'complete',
        user: this.formatUserContent(signature, demo),
        assistant: this.formatAssistantContent(
          signature,
          demo,
          'Not supplied for this conversation history message. ',
        ),
      };
    }
    const hasInput = signature.inputFields.some((field) => has(demo, field.name));
    const hasOutput = signature.outputFields.some((field) => has(demo, field.name));
    if (!(hasInput && hasOutput)) return { kind: 'skipped', user: '', assistant: '' };
    return {
      kind: 'incomplete',
      user: this.formatUserContent(signature, demo, { prefix: incompleteDemoPrefix }),
      assistant: this.formatAssistantContent(signature, demo, 'Not supplied for this particular example. '),
    };
  }

  /** DSPy's `format_system_message`: field descriptions, field structure, then the task. */
  protected formatSystemMessage(signature: Signature): string {
    return (
      `${formatFieldDescriptions(signature.inputFields, signature.outputFields)}\n` +
      `${this.formatFieldStructure(signature)}\n` +
      formatTaskDescription(signature.instructions)
    );
  }

  /**
   * Coerces each output field that `present` finds, or throws one AdapterParseError listing the missing
   * fields first, then every value that does not coerce. A missing field with a default takes it, and a
   * missing field whose type allows `None` is `null` (DSPy's `apply_output_field_defaults`).
   */
  protected coerceOutputs<O extends Values>(
    signature: Signature,
    rawText: string,
    present: (field: Field) => boolean,
    coerce: (field: Field) => unknown,
  ): O {
    const values: Values = {};
    const problems: string[] = [];
    let cause: unknown;
    const missing: Field[] = [];
    for (const field of signature.outputFields) {
      if (!present(field)) {
        if (Object.hasOwn(field, 'default')) values[field.name] = field.default;
        else if (allowsNone(field.type)) values[field.name] = null;
        else missing.push(field);
        continue;
      }
      try {
        values[field.name] = coerce(field);
      } catch (error) {
        if (!(error instanceof CoercionError)) throw error;
        cause ??= error;
        problems.push(`field '${field.name}': ${error.message}`);
      }
    }
    if (missing.length > 0)
      problems.unshift(`missing ${missing.map((field) => `'${field.name}'`).join(', ')}`);
    if (problems.length > 0) throw this.parseError(signature, rawText, values, problems.join('; '), cause);
    return values as O;
  }

  protected parseError(
    signature: Signature,
    rawText: string,
    partial: Values,
    reason: string,
    cause?: unknown,
  ): AdapterParseError {
    return new AdapterParseError({
      adapter: this.name,
      rawText,
      expectedFields: signature.outputFields.map((field: Field) => field.name),
      partial,
      reason,
      cause,
    });
  }
}

/** `[[ ## a ## ]]\nvalue` sections joined by blank lines, as DSPy's `format_field_with_value`. */
export function formatFieldsWithValues(entries: readonly [Field, unknown][]): string {
  return pythonStrip(
    entries
      .map(([field, value]) => `[[ ## ${field.name} ## ]]\n${formatFieldValue(field, value)}`)
      .join('\n\n'),
  );
}

function historyMessages(value: unknown): readonly HistoryTurn[] {
  if (Array.isArray(value)) return value as HistoryTurn[];
  const messages = (value as { messages?: unknown } | undefined)?.messages;
  return Array.isArray(messages) ? (messages as HistoryTurn[]) : [];
}
