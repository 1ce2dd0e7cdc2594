import type { JsonSchema } from '../signature/field-type.js';
import type { Signature } from '../signature/signature.js';
import { jsonSchemaOfType } from './json-schema-of-type.js';

/**
 * A JSON schema for the JSONAdapter's answer object (every output field required, no extras),
 * for constrained decoding or an OpenAI-style `response_format`. Nested `$defs` are hoisted to the top.
 */
export function outputJsonSchema(signature: Signature): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const properties: Record<string, JsonSchema> = {};
  for (const field of signature.outputFields) {
    const { $defs, ...schema } = jsonSchemaOfType(field.type);
    Object.assign(defs, ($defs as Record<string, JsonSchema> | undefined) ?? {});
    properties[field.name] = schema;
  }
  return {
    type: 'object',
    properties,
    required: signature.outputFields.map((field) => field.name),
    additionalProperties: false,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  };
}
