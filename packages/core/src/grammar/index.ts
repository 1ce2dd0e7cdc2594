export { chatFieldValueGrammar, chatOutputGrammar, markerFreeText } from './chat-output-grammar.js';
export { fieldTypeGrammar } from './field-type-grammar.js';
export type { GrammarNode } from './grammar-node.js';
export * as grammar from './grammar-node.js';
export { jsonOutputGrammar } from './json-output-grammar.js';
export {
  type JsonGrammarOptions,
  jsonIntegerGrammar,
  jsonNumberGrammar,
  jsonSchemaGrammar,
} from './json-schema-grammar.js';
export { jsonStringGrammar } from './json-string-grammar.js';
export type { OutputConstraint } from './output-constraint.js';
