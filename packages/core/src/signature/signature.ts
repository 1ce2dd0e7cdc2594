import { cleandoc } from './cleandoc.js';
import { type Field, type FieldInit, type FieldRole, makeField } from './field.js';
import type { FieldSpec, InferFieldSpec, InferFields, InputsOf, OutputsOf } from './infer-types.js';
import { parseSignatureString } from './parse-signature-string.js';
import { SignatureError } from './signature-error.js';

type Values = Record<string, unknown>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type WithField<T, N extends string, V> = Simplify<{ [K in N]: V } & Omit<T, N>>;
/** The signature with field `N` (spec `F`) added to its inputs or outputs, as `R` says. */
type WithRoleField<
  I extends Values,
  O extends Values,
  N extends string,
  F extends FieldInit,
  R extends FieldRole,
> = Signature<
  R extends 'input' ? WithField<I, N, InferFieldSpec<F>> : I,
  R extends 'output' ? WithField<O, N, InferFieldSpec<F>> : O
>;

/** The object form of `Signature.from`. Field order is the order of the keys. */
export interface SignatureDefinition {
  readonly instructions?: string;
  readonly inputs: Readonly<Record<string, FieldSpec>>;
  readonly outputs: Readonly<Record<string, FieldSpec>>;
}

/**
 * A DSPy signature: ordered input and output fields plus instructions. Immutable; every
 * change returns a new Signature. `I` and `O` are the TypeScript types of the input and output values.
 */
export class Signature<I extends Values = Values, O extends Values = Values> {
  readonly instructions: string;
  /** Input fields, in declaration order. */
  readonly inputFields: readonly Field[];
  /** Output fields, in declaration order. */
  readonly outputFields: readonly Field[];
  declare readonly __types?: { inputs: I; outputs: O };

  private constructor(fields: readonly Field[], instructions: string | undefined) {
    this.inputFields = fields.filter((field) => field.role === 'input');
    this.outputFields = fields.filter((field) => field.role === 'output');
    this.instructions = cleandoc(instructions ?? defaultInstructions(this.inputFields, this.outputFields));
  }

  /**
   * `Signature.from('question: str, context: list[str] -> answer: int', 'instructions?')`, or
   * `Signature.from({ instructions?, inputs: { name: { type, desc, prefix } }, outputs: {...} })`.
   * Untyped fields are `str`. Without instructions, DSPy's default sentence is used.
   * Throws SignatureError on a malformed declaration.
   */
  static from<const S extends string>(spec: S, instructions?: string): Signature<InputsOf<S>, OutputsOf<S>>;
  static from<const D extends SignatureDefinition>(
    definition: D,
  ): Signature<InferFields<D['inputs']>, InferFields<D['outputs']>>;
  static from<S extends Signature>(signature: S): S;
  static from(spec: string | SignatureDefinition | Signature, instructions?: string): Signature {
    if (spec instanceof Signature) return spec;
    if (typeof spec === 'string') return new Signature(parseSignatureString(spec), instructions);
    if (typeof spec !== 'object' || spec === null || !spec.inputs || !spec.outputs) {
      throw new SignatureError('a signature definition needs `inputs` and `outputs`', { text: String(spec) });
    }
    const fields = [
      ...Object.entries(spec.inputs).map(([name, field]) => makeField(name, 'input', toInit(field))),
      ...Object.entries(spec.outputs).map(([name, field]) => makeField(name, 'output', toInit(field))),
    ];
    return Signature.fromFields(fields, spec.instructions ?? instructions);
  }

  /** Builds a signature from already-made fields (inputs and outputs in any order; each keeps its role). */
  static fromFields<I extends Values = Values, O extends Values = Values>(
    fields: readonly Field[],
    instructions?: string,
  ): Signature<I, O> {
    const seen = new Set<string>();
    for (const field of fields) {
      if (seen.has(field.name))
        throw new SignatureError(`duplicate field '${field.name}'`, { text: field.name });
      seen.add(field.name);
    }
    return new Signature<I, O>(fields, instructions);
  }

  /** Inputs then outputs, as DSPy's `signature.fields`. */
  get fields(): readonly Field[] {
    return [...this.inputFields, ...this.outputFields];
  }

  field(name: string): Field | undefined {
    return this.fields.find((field) => field.name === name);
  }

  withInstructions(instructions: string): Signature<I, O> {
    return new Signature<I, O>(this.fields, instructions);
  }

  /** Adds a field first among the inputs or outputs (ChainOfThought prepends `reasoning` this way). */
  prepend<N extends string, const F extends FieldInit = FieldInit, R extends FieldRole = 'output'>(
    name: N,
    field: F,
    role: R,
  ): WithRoleField<I, O, N, F, R> {
    return this.insert(0, name, field, role) as never;
  }

  /** Adds a field last among the inputs or outputs. */
  append<N extends string, const F extends FieldInit = FieldInit, R extends FieldRole = 'output'>(
    name: N,
    field: F,
    role: R,
  ): WithRoleField<I, O, N, F, R> {
    return this.insert(-1, name, field, role) as never;
  }

  /** DSPy's `insert`: index into the inputs or outputs; negative counts from the end (-1 = last). */
  insert(index: number, name: string, field: FieldInit, role: FieldRole): Signature<Values, Values> {
    if (this.field(name)) throw new SignatureError(`duplicate field '${name}'`, { text: name });
    const list = [...(role === 'input' ? this.inputFields : this.outputFields)];
    const at = index < 0 ? index + list.length + 1 : index;
    if (at < 0 || at > list.length) throw new SignatureError(`invalid index ${index}`, { text: name });
    list.splice(at, 0, makeField(name, role, field));
    const fields = role === 'input' ? [...list, ...this.outputFields] : [...this.inputFields, ...list];
    return new Signature(fields, this.instructions);
  }

  /** A copy without the named field (no-op if absent). */
  delete<N extends string>(name: N): Signature<Simplify<Omit<I, N>>, Simplify<Omit<O, N>>> {
    return new Signature(
      this.fields.filter((field) => field.name !== name),
      this.instructions,
    ) as never;
  }

  /** "question, context -> answer", as DSPy's `signature.signature`. */
  toString(): string {
    const names = (fields: readonly Field[]) => fields.map((field) => field.name).join(', ');
    return `${names(this.inputFields)} -> ${names(this.outputFields)}`;
  }
}

function toInit(field: FieldSpec): FieldInit {
  return typeof field === 'string' ? { type: field } : (field ?? {});
}

/** DSPy's `_default_instructions`. */
export function defaultInstructions(inputs: readonly Field[], outputs: readonly Field[]): string {
  const list = (fields: readonly Field[]) => fields.map((field) => `\`${field.name}\``).join(', ');
  return `Given the fields ${list(inputs)}, produce the fields ${list(outputs)}.`;
}

/** Input values of a signature type. */
export type SignatureInputs<S> = S extends Signature<infer I, Values> ? I : never;
/** Output values of a signature type. */
export type SignatureOutputs<S> = S extends Signature<Values, infer O> ? O : never;
