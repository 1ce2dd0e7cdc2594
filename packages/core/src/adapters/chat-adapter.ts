import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { chatOutputGrammar } from '../grammar/chat-output-grammar.js';
import type { OutputConstraint } from '../grammar/output-constraint.js';
import type { LM } from '../lm/lm.js';
import type { Field } from '../signature/field.js';
import type { Signature } from '../signature/signature.js';
import type { AdapterCallOptions, AdapterCallResult, Demo } from './adapter.js';
import { BaseAdapter, formatFieldsWithValues } from './base-adapter.js';
import { parseFieldText } from './coerce-value.js';
import { fallbackParseError } from './fallback-parse-error.js';
import { FieldStreamParser } from './field-stream-parser.js';
import { fieldStructureHint } from './field-structure-hint.js';
import { has } from './has.js';
import { JSONAdapter } from './json-adapter.js';
import { pythonSplitLines, pythonStrip } from './python-text.js';
import { thinkPreludeEnd } from './think-prelude.js';
import { typeInfo } from './type-info.js';

type Values = Record<string, unknown>;

export interface ChatAdapterOptions {
  /** On AdapterParseError, `call` retries once with JSONAdapter (DSPy's default). Default true. */
  fallbackToJSON?: boolean;
  /** Send a signature's tools as the LM's `tools` when it supports them. Default false, as DSPy's ChatAdapter. */
  useNativeFunctionCalling?: boolean;
}

/**
 * DSPy 3.x's ChatAdapter: fields as `[[ ## name ## ]]` sections. `format` matches DSPy byte for
 * byte; `parse` is more forgiving (markers mid-line, a `<think>` prelude, text after
 * `[[ ## completed ## ]]`, Python-style or slightly broken JSON in typed fields).
 */
export class ChatAdapter extends BaseAdapter {
  readonly name: string = 'ChatAdapter';
  readonly fallbackToJSON: boolean;
  readonly useNativeFunctionCalling: boolean;

  constructor(options: ChatAdapterOptions = {}) {
    super();
    this.fallbackToJSON = options.fallbackToJSON ?? true;
    this.useNativeFunctionCalling = options.useNativeFunctionCalling ?? false;
  }

  /** format → generate → parse; on AdapterParseError (only), reruns the call with JSONAdapter if enabled. */
  override async call<I extends Values, O extends Values>(
    lm: LM,
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    options: AdapterCallOptions = {},
  ): Promise<AdapterCallResult<O>> {
    try {
      return await super.call(lm, signature, demos, inputs, options);
    } catch (error) {
      if (!this.fallbackToJSON || !AdapterParseError.isInstance(error)) throw error;
      try {
        return await new JSONAdapter().call(lm, signature, demos, inputs, options);
      } catch (fallbackError) {
        if (!AdapterParseError.isInstance(fallbackError)) throw fallbackError;
        throw fallbackParseError(fallbackError, error);
      }
    }
  }

  /**
   * Parses `[[ ## name ## ]]` sections (see FieldStreamParser for what is forgiven). A reasoning
   * block closed by `</think>` is skipped first; if the text only parses with it, that reading wins.
   */
  parse<I extends Values, O extends Values>(signature: Signature<I, O>, completion: string): O {
    // DSPy splits the completion with `str.splitlines()` and rejoins with "\n", so every line break
    // (\r\n, \r, \u2028, …) in a value reads as "\n".
    const text = pythonSplitLines(completion).join('\n');
    const answerStart = thinkPreludeEnd(text);
    if (answerStart === 0) return this.coerceSections(signature, completion, splitSections(signature, text));
    try {
      return this.coerceSections(signature, completion, splitSections(signature, text.slice(answerStart)));
    } catch (error) {
      if (!AdapterParseError.isInstance(error)) throw error;
      try {
        return this.coerceSections(signature, completion, splitSections(signature, text));
      } catch {
        throw error;
      }
    }
  }

  /** Turns per-field raw texts into typed values, or throws one AdapterParseError listing every problem. */
  protected coerceSections<O extends Values>(
    signature: Signature<Values, O>,
    rawText: string,
    sections: Readonly<Record<string, string>>,
  ): O {
    return this.coerceOutputs(
      signature,
      rawText,
      (field) => Object.hasOwn(sections, field.name),
      (field) => parseFieldText(sections[field.name]!, field.type),
    );
  }

  outputConstraint(signature: Signature): OutputConstraint {
    return this.memo.outputConstraint(signature, (s) => ({ name: this.name, grammar: chatOutputGrammar(s) }));
  }

  protected formatFieldStructure(signature: Signature): string {
    const hints = (fields: readonly Field[]) =>
      formatFieldsWithValues(fields.map((field) => [field, fieldStructureHint(field)]));
    return pythonStrip(
      [
        'All interactions will be structured in the following way, with the appropriate values filled in.',
        hints(signature.inputFields),
        hints(signature.outputFields),
        '[[ ## completed ## ]]\n',
      ].join('\n\n'),
    );
  }

  protected outputRequirements(signature: Signature): string {
    const fields = signature.outputFields.map((field) => `\`[[ ## ${field.name} ## ]]\`${typeInfo(field)}`);
    return (
      'Respond with the corresponding output fields, starting with the field ' +
      fields.join(', then ') +
      ', and then ending with the marker for `[[ ## completed ## ]]`.'
    );
  }

  protected formatAssistantContent(
    signature: Signature,
    outputs: Readonly<Values>,
    missingFieldMessage: string | null,
  ): string {
    const entries = signature.outputFields.map((field): [Field, unknown] => [
      field,
      has(outputs, field.name) ? outputs[field.name] : missingFieldMessage,
    ]);
    return `${formatFieldsWithValues(entries)}\n\n[[ ## completed ## ]]\n`;
  }
}

function splitSections(signature: Signature, text: string): Record<string, string> {
  const parser = new FieldStreamParser(signature);
  parser.push(text);
  parser.finish();
  return parser.fields;
}
