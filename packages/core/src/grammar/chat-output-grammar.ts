import { pythonStr } from '../adapters/python-json.js';
import type { FieldType } from '../signature/field-type.js';
import type { Signature } from '../signature/signature.js';
import { fieldTypeGrammar } from './field-type-grammar.js';
import { alt, type GrammarNode, literal, noneOf, optional, repeat, seq, whitespace } from './grammar-node.js';
import { mayBeMissing } from './json-output-grammar.js';
import { jsonIntegerGrammar, jsonNumberGrammar } from './json-schema-grammar.js';

/** Free text that never holds `[[`, so it cannot open a marker (and never ends in `[`). */
export const markerFreeText: GrammarNode = repeat(alt(noneOf('['), seq(literal('['), noneOf('['))), 0);

/**
 * The texts ChatAdapter.parse reads into the signature's types: each output field's
 * `[[ ## name ## ]]` section in order, then `[[ ## completed ## ]]`. Values follow the adapter's
 * own formatting (DSPy's `format_field_value`) and what its parse accepts; a field the parse fills
 * in when missing (a default, or Optional) may be left out.
 */
export function chatOutputGrammar(signature: Signature): GrammarNode {
  const parts: GrammarNode[] = [whitespace(8)];
  for (const field of signature.outputFields) {
    const section = seq(literal(`[[ ## ${field.name} ## ]]`), chatFieldValueGrammar(field.type));
    parts.push(mayBeMissing(field) ? optional(section) : section);
  }
  parts.push(literal('[[ ## completed ## ]]'), whitespace(8));
  return seq(...parts);
}

/** One field's section body, surrounding whitespace included. */
export function chatFieldValueGrammar(type: FieldType): GrammarNode {
  // A union with `str` reads any text (as text when it also allows None, else via str's coercion).
  if (type.kind === 'str' || (type.kind === 'union' && type.options.some((option) => option.kind === 'str')))
    return markerFreeText;
  const ws = whitespace(8);
  return seq(ws, chatTypedValue(type), ws);
}

function chatTypedValue(type: Exclude<FieldType, { kind: 'str' }>): GrammarNode {
  switch (type.kind) {
    case 'int':
      return jsonIntegerGrammar;
    case 'float':
      return jsonNumberGrammar;
    case 'bool':
      return alt(literal('True'), literal('False'), literal('true'), literal('false'));
    case 'literal':
      return choices(type.values);
    case 'enum':
      return choices([
        ...type.members.map((member) => member.value),
        ...type.members.map((member) => member.name),
      ]);
    case 'none':
      return alt(literal('None'), literal('null'));
    case 'union':
      return alt(
        ...type.options.map((option) => (option.kind === 'str' ? markerFreeText : chatTypedValue(option))),
      );
    default:
      return fieldTypeGrammar(type, { forbidMarkers: true, lenient: true });
  }
}

/** A Literal/enum value as the parse matches it: bare (Python's str) or quoted. */
function choices(values: readonly (string | number | boolean)[]): GrammarNode {
  const texts = new Set<string>();
  for (const value of values) {
    const text = pythonStr(value);
    texts.add(text);
    if (typeof value === 'string') {
      texts.add(`'${text}'`);
      texts.add(`"${text}"`);
    }
  }
  return alt(...[...texts].map(literal));
}
