import type { FieldType, JsonSchema } from '../signature/field-type.js';
import { toolCallsJsonSchema } from '../tools/tool-calls.js';

/**
 * The JSON schema pydantic's TypeAdapter would give for a field type, with DSPy's key order
 * ("type" first, then the other keys sorted, recursively). Named enums and objects nested in
 * lists or dicts go to `$defs`, as pydantic does.
 */
export function jsonSchemaOfType(type: FieldType): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const schema = schemaOf(type, defs, true);
  const ownDefs = (schema.$defs as Record<string, JsonSchema> | undefined) ?? {};
  const allDefs = { ...defs, ...ownDefs };
  const withDefs = Object.keys(allDefs).length > 0 ? { ...schema, $defs: allDefs } : schema;
  return moveTypeToFront(withDefs) as JsonSchema;
}

function schemaOf(type: FieldType, defs: Record<string, JsonSchema>, topLevel: boolean): JsonSchema {
  switch (type.kind) {
    case 'str':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'list':
      return { type: 'array', items: schemaOf(type.items, defs, false) };
    case 'dict':
      // pydantic: dict[str, Any] is {"type": "object", "additionalProperties": true}
      return {
        type: 'object',
        additionalProperties: type.values.kind === 'any' ? true : schemaOf(type.values, defs, false),
      };
    case 'literal':
      return literalSchema(type.values);
    case 'enum': {
      const values = type.members.map((member) => member.value);
      const schema = { ...literalSchema(values), title: type.name };
      if (topLevel) return schema;
      defs[type.name] = schema;
      return { $ref: `#/$defs/${type.name}` };
    }
    case 'object': {
      if (topLevel) return type.schema;
      const { $defs, ...rest } = type.schema;
      Object.assign(defs, ($defs as Record<string, JsonSchema> | undefined) ?? {});
      defs[type.name] = rest;
      return { $ref: `#/$defs/${type.name}` };
    }
    case 'history':
      return { type: 'object' };
    case 'none':
      return { type: 'null' };
    case 'any':
    case 'tool':
      return {};
    case 'toolCalls':
      return toolCallsJsonSchema();
    case 'union': {
      // pydantic writes a nullable union's `null` option last, whatever its place in the annotation.
      const options = type.options.filter((option) => option.kind !== 'none');
      const nullable = options.length < type.options.length;
      const anyOf = options.map((option) => schemaOf(option, defs, false));
      return { anyOf: nullable ? [...anyOf, { type: 'null' }] : anyOf };
    }
  }
}

function literalSchema(values: readonly (string | number | boolean)[]): JsonSchema {
  if (values.length === 1) return { const: values[0], type: jsonTypeOf(values[0]!) };
  const kinds = new Set(values.map(jsonTypeOf));
  return kinds.size === 1 ? { enum: [...values], type: [...kinds][0] } : { enum: [...values] };
}

function jsonTypeOf(value: string | number | boolean): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return Number.isInteger(value) ? 'integer' : 'number';
}

/** DSPy's `move_type_to_front`: keys sorted with "type" first, recursively through objects and arrays. */
export function moveTypeToFront(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(moveTypeToFront);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => {
    if (a === 'type' || b === 'type') return a === 'type' ? (b === 'type' ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(
    keys.map((key) => [key, moveTypeToFront((value as Record<string, unknown>)[key])]),
  );
}
