import { jsonOutputGrammar } from '../grammar/json-output-grammar.js';
import type { OutputConstraint } from '../grammar/output-constraint.js';
import type { Field } from '../signature/field.js';
import type { Signature } from '../signature/signature.js';
import { BaseAdapter, formatFieldsWithValues } from './base-adapter.js';
import { coerceValue } from './coerce-value.js';
import { extractJsonObject } from './extract-json-object.js';
import { fieldStructureHint } from './field-structure-hint.js';
import { has } from './has.js';
import { parseLooseLiteral } from './loose-literal.js';
import { outputJsonSchema } from './output-json-schema.js';

import { pythonJsonDumps } from './python-json.js';
import { pythonStrip } from './python-text.js';
import { typeInfo } from './type-info.js';

type Values = Record<string, unknown>;

/**
 * DSPy 3.x's JSONAdapter: inputs as `[[ ## name ## ]]` sections, outputs as one JSON object.
 * `parse` finds the first JSON object in the text (after any `<think>` block, inside code fences)
 * and reads it leniently, like json_repair. It never falls back to another adapter. Non-ASCII text is
 * written as it is (DSPy ≥ 3.2's `ensure_ascii=False`).
 */
export class JSONAdapter extends BaseAdapter {
  readonly name: string = 'JSONAdapter';
  readonly useNativeFunctionCalling: boolean;

  /** `useNativeFunctionCalling` defaults to true, as DSPy's JSONAdapter. */
  constructor(options: { useNativeFunctionCalling?: boolean } = {}) {
    super();
    this.useNativeFunctionCalling = options.useNativeFunctionCalling ?? true;
  }

  parse<I extends Values, O extends Values>(signature: Signature<I, O>, text: string): O {
    const objectText = extractJsonObject(text);
    const parsed = objectText === undefined ? undefined : parseLooseLiteral(objectText);
    if (
      !parsed?.ok ||
      typeof parsed.value !== 'object' ||
      parsed.value === null ||
      Array.isArray(parsed.value)
    ) {
      throw this.parseError(signature, text, {}, 'the response is not a JSON object');
    }
    const object = parsed.value as Values;
    return this.coerceOutputs(
      signature,
      text,
      (field) => Object.hasOwn(object, field.name),
      (field) => coerceValue(object[field.name], field.type),
    );
  }

  outputConstraint(signature: Signature): OutputConstraint {
    return this.memo.outputConstraint(signature, (s) => ({
      name: this.name,
      grammar: jsonOutputGrammar(s),
      jsonSchema: outputJsonSchema(s),
      strict: true,
    }));
  }

  protected formatFieldStructure(signature: Signature): string {
    const inputs = formatFieldsWithValues(
      signature.inputFields.map((field) => [field, fieldStructureHint(field)]),
    );
    const outputs = Object.fromEntries(
      signature.outputFields.map((field) => [field.name, fieldStructureHint(field)]),
    );
    return pythonStrip(
      [
        'All interactions will be structured in the following way, with the appropriate values filled in.',
        'Inputs will have the following structure:',
        inputs,
        'Outputs will be a JSON object with the following fields.',
        pythonJsonDumps(outputs, { indent: 2, ensureAscii: false }),
      ].join('\n\n'),
    );
  }

  protected outputRequirements(signature: Signature): string {
    const fields = signature.outputFields.map((field) => `\`${field.name}\`${typeInfo(field)}`);
    return `Respond with a JSON object in the following order of fields: ${fields.join(', then ')}.`;
  }

  protected formatAssistantContent(
    signature: Signature,
    outputs: Readonly<Values>,
    missingFieldMessage: string | null,
  ): string {
    const object = Object.fromEntries(
      signature.outputFields.map((field: Field) => [
        field.name,
        has(outputs, field.name) ? outputs[field.name] : missingFieldMessage,
      ]),
    );
    return pythonJsonDumps(object, { indent: 2, ensureAscii: false });
  }
}
