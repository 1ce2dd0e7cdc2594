import type { Tool } from '../tools/tool.js';
import type { ToolCalls } from '../tools/tool-calls.js';
import type { FieldType } from './field-type.js';
import type { StandardSchemaV1 } from './standard-schema.js';

// Type-level parsing of signature strings, so `Signature.from('q: str -> n: int')` is
// `Signature<{ q: string }, { n: number }>`. Anything it cannot read becomes `unknown`.

type Whitespace = ' ' | '\n' | '\t' | '\r';
export type Trim<S extends string> = S extends `${Whitespace}${infer R}`
  ? Trim<R>
  : S extends `${infer R}${Whitespace}`
    ? Trim<R>
    : S;

/** Splits on `Sep` where it is not inside brackets. Tail-recursive, so long strings are fine. */
type SplitTopLevel<
  S extends string,
  Sep extends string = ',',
  Depth extends unknown[] = [],
  Current extends string = '',
  Out extends string[] = [],
> = S extends `${infer C}${infer Rest}`
  ? C extends '['
    ? SplitTopLevel<Rest, Sep, [...Depth, 0], `${Current}${C}`, Out>
    : C extends ']'
      ? SplitTopLevel<Rest, Sep, Depth extends [unknown, ...infer D] ? D : [], `${Current}${C}`, Out>
      : C extends Sep
        ? Depth extends []
          ? SplitTopLevel<Rest, Sep, Depth, '', [...Out, Current]>
          : SplitTopLevel<Rest, Sep, Depth, `${Current}${C}`, Out>
        : SplitTopLevel<Rest, Sep, Depth, `${Current}${C}`, Out>
  : [...Out, Current];

type Unquote<S extends string> = S extends `'${infer V}'`
  ? V
  : S extends `"${infer V}"`
    ? V
    : S extends 'True'
      ? true
      : S extends 'False'
        ? false
        : S extends `${infer N extends number}`
          ? N
          : S;

type LiteralUnion<Parts extends string[]> = { [K in keyof Parts]: Unquote<Trim<Parts[K]>> }[number];

type UnionOf<Parts extends string[]> = { [K in keyof Parts]: ParseTypeString<Parts[K]> }[number];

/** The TypeScript type of a DSPy type annotation string ("list[str]" → string[], "int | None" → number | null). */
export type ParseTypeString<S extends string> =
  Trim<S> extends infer T extends string
    ? SplitTopLevel<T, '|'> extends [string, string, ...string[]]
      ? UnionOf<SplitTopLevel<T, '|'>>
      : ParseSingleType<T>
    : unknown;

type ParseSingleType<T extends string> = T extends 'None' | 'NoneType'
  ? null
  : T extends `Optional[${infer I}]`
    ? ParseTypeString<I> | null
    : T extends `Union[${infer L}]`
      ? UnionOf<SplitTopLevel<L>>
      : ParseScalarOrContainer<T>;

type ParseScalarOrContainer<T extends string> = T extends string
  ? T extends 'Tool' | 'dspy.Tool'
    ? Tool
    : T extends 'ToolCalls' | 'dspy.ToolCalls'
      ? ToolCalls
      : T extends 'History' | 'dspy.History'
        ? { messages: Record<string, unknown>[] }
        : ParseBuiltin<T>
  : unknown;

type ParseBuiltin<T extends string> = T extends string
  ? T extends 'str' | 'string'
    ? string
    : T extends 'int' | 'float' | 'integer' | 'number'
      ? number
      : T extends 'bool' | 'boolean'
        ? boolean
        : T extends `${'list' | 'List'}[${infer I}]`
          ? ParseTypeString<I>[]
          : T extends `${'dict' | 'Dict'}[${string},${infer V}]`
            ? Record<string, ParseTypeString<V>>
            : T extends `Literal[${infer L}]`
              ? LiteralUnion<SplitTopLevel<L>>
              : unknown
  : unknown;

type ParseField<F extends string> =
  Trim<F> extends `${infer Name}:${infer Type}` ? [Trim<Name>, ParseTypeString<Type>] : [Trim<F>, string];

/** `{ name: Type }` for a comma-separated field list ("a, b: int"). */
export type ParseFieldList<S extends string> = {
  [F in SplitTopLevel<S>[number] as ParseField<F>[0] extends '' ? never : ParseField<F>[0]]: ParseField<F>[1];
};

export type InputsOf<S extends string> = string extends S
  ? Record<string, unknown>
  : S extends `${infer I}->${string}`
    ? ParseFieldList<I>
    : Record<string, unknown>;

export type OutputsOf<S extends string> = string extends S
  ? Record<string, unknown>
  : S extends `${string}->${infer O}`
    ? ParseFieldList<O>
    : Record<string, unknown>;

declare const typeTag: unique symbol;
/** A FieldType that also carries the TypeScript type of its values (see `t`). */
export type TypedFieldType<T> = FieldType & { readonly [typeTag]?: T };

type EnumLike = { readonly [name: string]: string | number };
type JsonSchemaLike =
  | { readonly type: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' }
  | { readonly properties: object }
  | { readonly $ref: string }
  | { readonly anyOf: readonly unknown[] };

/** Anything accepted as a field's `type` in the object form of `Signature.from`. */
export type TypeSpec =
  | string
  | readonly (string | number | boolean)[]
  | FieldType
  | StandardSchemaV1
  | JsonSchemaLike
  | EnumLike;

/** The TypeScript value type of a TypeSpec. */
export type InferTypeSpec<T> = T extends string
  ? ParseTypeString<T>
  : T extends { readonly [typeTag]?: infer U }
    ? unknown extends U
      ? InferFieldType<T>
      : U
    : T extends StandardSchemaV1
      ? StandardSchemaV1.InferOutput<T>
      : T extends readonly (infer E)[]
        ? E
        : T extends { readonly type: 'array' }
          ? unknown[]
          : T extends { readonly type: 'string' }
            ? string
            : T extends { readonly type: 'integer' | 'number' }
              ? number
              : T extends { readonly type: 'boolean' }
                ? boolean
                : T extends { readonly type: 'null' }
                  ? null
                  : T extends { readonly anyOf: readonly unknown[] }
                    ? unknown
                    : T extends JsonSchemaLike
                      ? Record<string, unknown>
                      : T extends EnumLike
                        ? T[keyof T]
                        : unknown;

type InferFieldType<T> = T extends { kind: 'str' }
  ? string
  : T extends { kind: 'int' | 'float' }
    ? number
    : T extends { kind: 'bool' }
      ? boolean
      : unknown;

/** A field in the object form: a type string shorthand, or `{ type, desc, prefix }`. */
export type FieldSpec =
  | string
  | {
      readonly type?: TypeSpec;
      readonly desc?: string;
      readonly prefix?: string;
      readonly default?: unknown;
    };

export type InferFieldSpec<F> = F extends string
  ? ParseTypeString<F>
  : F extends { readonly type: infer T }
    ? InferTypeSpec<T>
    : string;

export type InferFields<R> = { -readonly [K in keyof R]: InferFieldSpec<R[K]> };
