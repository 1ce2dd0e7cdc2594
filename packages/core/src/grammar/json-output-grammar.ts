import { outputJsonSchema } from '../adapters/output-json-schema.js';
import type { Signature } from '../signature/signature.js';
import { type GrammarNode, seq, whitespace } from './grammar-node.js';
import { jsonSchemaGrammar } from './json-schema-grammar.js';

/** The texts JSONAdapter.parse reads: one JSON object with every output field, in order. */
export function jsonOutputGrammar(signature: Signature): GrammarNode {
  return seq(whitespace(8), jsonSchemaGrammar(outputJsonSchema(signature)), whitespace(8));
}
