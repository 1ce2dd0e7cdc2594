import type { StandardSchemaV1 } from './standard-schema.js';

/** A JSON schema as a plain object (draft 2020-12 subset; we only read it, never validate with it). */
export type JsonSchema = { [key: string]: unknown };

/**
 * The type of one signature field, mirroring the Python annotations DSPy supports.
 * `object` fields carry a JSON schema for the prompt and, optionally, a Standard Schema validator.
 */
export type FieldType =
  | { readonly kind: 'str' }
  | { readonly kind: 'int' }
  | { readonly kind: 'float' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'list'; readonly items: FieldType }
  | { readonly kind: 'dict'; readonly values: FieldType }
  | { readonly kind: 'literal'; readonly values: readonly (string | number | boolean)[] }
  | { readonly kind: 'enum'; readonly name: string; readonly members: readonly EnumMember[] }
  | {
      readonly kind: 'object';
      /** What the prompt calls the type, like a pydantic class name ("PetOwner"). */
      readonly name: string;
      readonly schema: JsonSchema;
      readonly validator?: StandardSchemaV1;
    }
  /** DSPy's `dspy.History`: an input field whose value is `{ messages: Record<string, unknown>[] }`. */
  | { readonly kind: 'history' }
  /** Python's `Union[...]` (and `Optional[T]`, `T | None`): flattened, duplicates removed, order kept. */
  | { readonly kind: 'union'; readonly options: readonly FieldType[] }
  /** Python's `None` inside a union. */
  | { readonly kind: 'none' }
  /** Python's `Any`: any JSON value, kept as parsed. */
  | { readonly kind: 'any' }
  /** DSPy's `dspy.Tool` (as an input, usually `list[Tool]`): a `Tool`, shown to the LM as its description. */
  | { readonly kind: 'tool' }
  /** DSPy's `dspy.ToolCalls`: an output holding the tool calls the LM chose (a `ToolCalls`). */
  | { readonly kind: 'toolCalls' };

export interface EnumMember {
  readonly name: string;
  readonly value: string | number;
}

export type FieldKind = FieldType['kind'];
