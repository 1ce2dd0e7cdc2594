import type { Signature } from '../signature/signature.js';
import { fieldTypeGrammar } from './field-type-grammar.js';
import { type GrammarNode, literal, seq, whitespace } from './grammar-node.js';

/** The texts JSONAdapter.parse reads: one JSON object with every output field, in order. */
export function jsonOutputGrammar(signature: Signature): GrammarNode {
  const ws = whitespace(24);
  const members = signature.outputFields.map((field, i) =>
    seq(
      i > 0 ? seq(ws, literal(','), ws) : literal(''),
      literal(JSON.stringify(field.name)),
      ws,
      literal(':'),
      ws,
      fieldTypeGrammar(field.type, { lenient: true }),
    ),
  );
  return seq(whitespace(8), literal('{'), ws, ...members, ws, literal('}'), whitespace(8));
}
