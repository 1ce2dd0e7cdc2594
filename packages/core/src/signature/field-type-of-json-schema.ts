import type { FieldType, JsonSchema } from './field-type.js';
import { unionType } from './union-type.js';

const objectKeys = ['properties', 'patternProperties', '$ref', 'allOf', '$defs', 'not', 'if'];

/**
 * The FieldType a JSON schema means when it only names a type (`{"type": "integer"}`,
 * `{"anyOf": [{"type": "string"}, {"type": "null"}]}`, arrays, maps, enums), so it is described and
 * parsed as the Python annotation pydantic would give that schema (constraints such as `minLength`
 * are not checked). Returns undefined for a schema with properties or references: that stays an
 * object field validated by its schema.
 */
export function fieldTypeOfJsonSchema(schema: JsonSchema): FieldType | undefined {
  if (objectKeys.some((key) => key in schema)) return undefined;
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options)) {
    if (schema.type !== undefined) return undefined;
    const types = options.map(fieldTypeOfJsonSchema);
    return types.every((type) => type !== undefined) ? unionType(types as FieldType[]) : undefined;
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum as unknown[];
    const scalar = values.every((value) => ['string', 'number', 'boolean'].includes(typeof value));
    return scalar && values.length > 0
      ? { kind: 'literal', values: values as (string | number | boolean)[] }
      : undefined;
  }
  if (schema.const !== undefined) {
    const value = schema.const;
    return ['string', 'number', 'boolean'].includes(typeof value)
      ? { kind: 'literal', values: [value as string | number | boolean] }
      : undefined;
  }
  switch (schema.type) {
    case 'string':
      return { kind: 'str' };
    case 'integer':
      return { kind: 'int' };
    case 'number':
      return { kind: 'float' };
    case 'boolean':
      return { kind: 'bool' };
    case 'null':
      return { kind: 'none' };
    case 'array': {
      if (schema.items === undefined) return { kind: 'list', items: { kind: 'any' } };
      const items = isSchema(schema.items) ? fieldTypeOfJsonSchema(schema.items) : undefined;
      return items ? { kind: 'list', items } : undefined;
    }
    case 'object': {
      const values = schema.additionalProperties;
      if (values === true) return { kind: 'dict', values: { kind: 'any' } };
      const valueType = isSchema(values) ? fieldTypeOfJsonSchema(values) : undefined;
      return valueType ? { kind: 'dict', values: valueType } : undefined;
    }
    default:
      return undefined;
  }
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
