import { GrammarError, grammar, type JsonSchema, jsonSchemaGrammar, type OutputConstraint } from '@x/core';

/**
 * OpenAI's `response_format` as an output constraint: `json_object` is any JSON object,
 * `json_schema` a document valid against its schema; `text` (or none) leaves the output free.
 * Throws GrammarError for a malformed format or a schema the grammar cannot enforce.
 */
export function responseFormatConstraint(format: unknown): OutputConstraint | undefined {
  if (format === undefined || format === null) return undefined;
  const type = (format as { type?: unknown }).type;
  if (type === 'text') return undefined;
  const json = (schema: JsonSchema | boolean) =>
    grammar.seq(grammar.whitespace(8), jsonSchemaGrammar(schema), grammar.whitespace(8));
  if (type === 'json_object') return { name: 'json_object', grammar: json({ type: 'object' }) };
  if (type === 'json_schema') {
    const spec = (format as { json_schema?: { name?: unknown; schema?: unknown; strict?: unknown } })
      .json_schema;
    const schema = spec?.schema ?? true;
    if (typeof schema !== 'boolean' && (typeof schema !== 'object' || Array.isArray(schema)))
      throw new GrammarError('response_format.json_schema.schema must be a JSON schema object');
    return {
      name: typeof spec?.name === 'string' ? spec.name : 'json_schema',
      grammar: json(schema as JsonSchema | boolean),
      ...(typeof schema === 'object' ? { jsonSchema: schema as JsonSchema } : {}),
      strict: spec?.strict === true,
    };
  }
  throw new GrammarError(
    `response_format.type must be text, json_object or json_schema, got ${JSON.stringify(type)}`,
  );
}
