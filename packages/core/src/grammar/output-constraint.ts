import type { JsonSchema } from '../signature/field-type.js';
import type { GrammarNode } from './grammar-node.js';

/**
 * What an LM's output must look like. Local LMs compile `grammar` into token masks; remote LMs
 * send `jsonSchema` (when there is one) as `response_format`.
 */
export interface OutputConstraint {
  /** A short name for logs and `response_format` ("ChatAdapter", "answer_schema"). */
  readonly name: string;
  readonly grammar: GrammarNode;
  /** Set when the output is one JSON document valid against this schema. */
  readonly jsonSchema?: JsonSchema;
  /** OpenAI's `strict` flag for `jsonSchema`. */
  readonly strict?: boolean;
}
