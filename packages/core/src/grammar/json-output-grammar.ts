import type { Field } from '../signature/field.js';
import type { Signature } from '../signature/signature.js';
import { allowsNone } from '../signature/union-type.js';
import { fieldTypeGrammar } from './field-type-grammar.js';
import { type GrammarNode, literal, seq, whitespace } from './grammar-node.js';
import { orderedMembersGrammar } from './json-schema-grammar.js';

/**
 * The texts JSONAdapter.parse reads: one JSON object with the output fields in order. A field the
 * parse fills in when it is missing (one with a default, or one that allows None) may be left out.
 */
export function jsonOutputGrammar(signature: Signature): GrammarNode {
  const ws = whitespace(24);
  const members = signature.outputFields.map((field) => ({
    node: seq(
      literal(JSON.stringify(field.name)),
      ws,
      literal(':'),
      ws,
      fieldTypeGrammar(field.type, { lenient: true }),
    ),
    required: !mayBeMissing(field),
  }));
  const body = orderedMembersGrammar(members, seq(ws, literal(','), ws));
  return seq(whitespace(8), literal('{'), ws, body, ws, literal('}'), whitespace(8));
}

/** An output field that BaseAdapter.coerceOutputs fills in when the answer leaves it out. */
export function mayBeMissing(field: Field): boolean {
  return Object.hasOwn(field, 'default') || allowsNone(field.type);
}
