import type { FieldType } from '../signature/field-type.js';
import { alt, type GrammarNode, literal, optional, repeat, seq, whitespace } from './grammar-node.js';
import {
  type JsonGrammarOptions,
  jsonIntegerGrammar,
  jsonNumberGrammar,
  jsonSchemaGrammar,
} from './json-schema-grammar.js';
import { jsonStringGrammar } from './json-string-grammar.js';

/**
 * A field type's value as JSON, keys of object fields in their declared order (the order a
 * pydantic dump writes; the prompt's schema sorts them, the values do not).
 */
export function fieldTypeGrammar(type: FieldType, options: JsonGrammarOptions = {}): GrammarNode {
  const ws = whitespace(options.maxWhitespace ?? 24);
  const comma = seq(ws, literal(','), ws);
  switch (type.kind) {
    case 'str':
      return jsonStringGrammar({ forbidMarkers: options.forbidMarkers });
    case 'int':
      return jsonIntegerGrammar;
    case 'float':
      return jsonNumberGrammar;
    case 'bool':
      return alt(literal('true'), literal('false'));
    case 'literal':
      return alt(...type.values.map((value) => literal(JSON.stringify(value))));
    case 'enum':
      return alt(...type.members.map((member) => literal(JSON.stringify(member.value))));
    case 'list':
      return seq(
        literal('['),
        ws,
        optional(repeat(fieldTypeGrammar(type.items, options), 1, undefined, comma)),
        ws,
        literal(']'),
      );
    case 'dict': {
      const key = jsonStringGrammar({ forbidMarkers: options.forbidMarkers });
      const member = seq(key, ws, literal(':'), ws, fieldTypeGrammar(type.values, options));
      return seq(literal('{'), ws, optional(repeat(member, 1, undefined, comma)), ws, literal('}'));
    }
    case 'object':
      return jsonSchemaGrammar(type.schema, options);
    case 'history':
      return jsonSchemaGrammar({ type: 'object' }, options);
    case 'none':
      return literal('null');
    case 'union':
      return alt(...type.options.map((option) => fieldTypeGrammar(option, options)));
    // A Tool's schema is `{}` (json-schema-of-type): any JSON value, as coerceValue keeps it.
    case 'any':
    case 'tool':
      return jsonSchemaGrammar(true, options);
    case 'toolCalls':
      return jsonSchemaGrammar(toolCallsWriteSchema, options);
  }
}

/**
 * DSPy's ToolCalls as its description's example writes it: `{"tool_calls": [{"name": …, "args": {…}}]}`,
 * name before args (pydantic's schema sorts them; the example, and models, do not).
 */
const toolCallsWriteSchema = {
  type: 'object',
  properties: {
    tool_calls: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, args: { type: 'object' } },
        required: ['name', 'args'],
      },
    },
  },
  required: ['tool_calls'],
};
