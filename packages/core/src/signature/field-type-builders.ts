import type { EnumMember, FieldType, JsonSchema } from './field-type.js';
import type { TypedFieldType } from './infer-types.js';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';
import { unionType } from './union-type.js';

/**
 * Builders for field types with static types attached:
 * `Signature.from({ inputs: { tags: { type: t.list(t.str) } }, outputs: { n: { type: t.int } } })`.
 */
export const t = {
  str: { kind: 'str' } as TypedFieldType<string>,
  int: { kind: 'int' } as TypedFieldType<number>,
  float: { kind: 'float' } as TypedFieldType<number>,
  bool: { kind: 'bool' } as TypedFieldType<boolean>,
  history: { kind: 'history' } as TypedFieldType<{ messages: Record<string, unknown>[] }>,
  any: { kind: 'any' } as TypedFieldType<unknown>,
  list<T>(items: TypedFieldType<T>): TypedFieldType<T[]> {
    return { kind: 'list', items };
  },
  dict<T>(values: TypedFieldType<T>): TypedFieldType<Record<string, T>> {
    return { kind: 'dict', values };
  },
  literal<const V extends readonly (string | number | boolean)[]>(...values: V): TypedFieldType<V[number]> {
    return { kind: 'literal', values };
  },
  /** A TS enum or `{ NAME: value }` object; `name` is what the prompt calls the type (DSPy: the class name). */
  enum<const E extends Record<string, string | number>>(
    values: E,
    name = 'Enum',
  ): TypedFieldType<E[keyof E]> {
    return { kind: 'enum', name, members: enumMembers(values) };
  },
  /** Python's `Optional[T]`: the value or `null`. */
  optional<T>(type: TypedFieldType<T>): TypedFieldType<T | null> {
    return unionType([type, { kind: 'none' }]);
  },
  /** Python's `Union[A, B, ...]`. */
  union<const T extends readonly TypedFieldType<unknown>[]>(
    ...options: T
  ): TypedFieldType<T[number] extends TypedFieldType<infer U> ? U : unknown> {
    return unionType(options);
  },
  /** An object field from a JSON schema or a Standard Schema validator (zod, valibot, …). */
  object<S extends JsonSchema | StandardSchemaV1>(
    schema: S,
    name?: string,
  ): TypedFieldType<S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Record<string, unknown>> {
    return objectType(schema, name);
  },
};

export function objectType(schema: JsonSchema | StandardSchemaV1, name?: string): FieldType {
  if (isStandardSchema(schema)) {
    const json = jsonSchemaOfValidator(schema);
    return { kind: 'object', name: name ?? titleOf(json) ?? 'dict', schema: json, validator: schema };
  }
  return { kind: 'object', name: name ?? titleOf(schema) ?? 'dict', schema };
}

/** TS numeric enums also map values back to names; those reverse entries are not members. */
export function enumMembers(values: Record<string, string | number>): EnumMember[] {
  return Object.entries(values)
    .filter(
      ([key, value]) => !(typeof value === 'string' && /^-?\d+$/.test(key) && values[value] === Number(key)),
    )
    .map(([key, value]) => ({ name: key, value }));
}

function titleOf(schema: JsonSchema): string | undefined {
  return typeof schema.title === 'string' ? schema.title : undefined;
}

// Zod 4 exposes Standard JSON Schema on `~standard.jsonSchema` and a `toJSONSchema()` method;
// other validators give us no schema, so the prompt just says "object".
export function jsonSchemaOfValidator(validator: StandardSchemaV1): JsonSchema {
  const props = validator['~standard'] as unknown as Record<string, unknown>;
  const standardJson = props.jsonSchema as { output?: (options: object) => unknown } | undefined;
  let schema: unknown;
  try {
    if (typeof standardJson?.output === 'function') schema = standardJson.output({ target: 'draft-2020-12' });
    else if (typeof (validator as unknown as { toJSONSchema?: unknown }).toJSONSchema === 'function') {
      schema = (validator as unknown as { toJSONSchema: () => unknown }).toJSONSchema();
    }
  } catch {
    schema = undefined;
  }
  if (typeof schema !== 'object' || schema === null) return { type: 'object' };
  const { $schema: _ignored, ...rest } = schema as JsonSchema;
  return rest;
}
