import type { FieldType, JsonSchema } from './field-type.js';
import { enumMembers, objectType } from './field-type-builders.js';
import { fieldTypeOfJsonSchema } from './field-type-of-json-schema.js';
import type { TypeSpec } from './infer-types.js';
import { parseType } from './parse-type.js';
import { SignatureError } from './signature-error.js';
import { isStandardSchema } from './standard-schema.js';

const fieldKinds = new Set([
  'str',
  'int',
  'float',
  'bool',
  'list',
  'dict',
  'literal',
  'enum',
  'object',
  'history',
  'union',
  'none',
  'any',
  'tool',
  'toolCalls',
]);
const jsonSchemaKeys = ['type', 'properties', '$ref', 'anyOf', 'oneOf', 'allOf', 'items', 'enum', '$defs'];

/** Turns any accepted `type` of a field declaration into a FieldType. Missing type means `str`. */
export function resolveTypeSpec(spec: TypeSpec | undefined, fieldName: string): FieldType {
  if (spec === undefined) return { kind: 'str' };
  if (typeof spec === 'string') return parseType(spec);
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new SignatureError('an enum needs at least one value', { text: fieldName });
    return { kind: 'literal', values: [...spec] };
  }
  if (isStandardSchema(spec)) return objectType(spec);
  if (typeof spec !== 'object' || spec === null) {
    throw new SignatureError('unsupported field type', { text: `${fieldName}: ${String(spec)}` });
  }
  const record = spec as Record<string, unknown>;
  if (typeof record.kind === 'string' && fieldKinds.has(record.kind)) return spec as FieldType;
  if (jsonSchemaKeys.some((key) => key in record))
    return fieldTypeOfJsonSchema(record as JsonSchema) ?? objectType(record as JsonSchema);
  const values = Object.values(record);
  if (values.length > 0 && values.every((value) => typeof value === 'string' || typeof value === 'number')) {
    return { kind: 'enum', name: 'Enum', members: enumMembers(record as Record<string, string | number>) };
  }
  throw new SignatureError('unsupported field type', { text: `${fieldName}: ${JSON.stringify(spec)}` });
}
