import type { FieldType } from './field-type.js';
import { inferPrefix } from './infer-prefix.js';
import type { TypeSpec } from './infer-types.js';
import { resolveTypeSpec } from './resolve-type-spec.js';
import { SignatureError } from './signature-error.js';

export type FieldRole = 'input' | 'output';

/** One signature field. `desc` and `prefix` already carry DSPy's defaults. */
export interface Field {
  readonly name: string;
  readonly role: FieldRole;
  readonly type: FieldType;
  /** DSPy's default is the placeholder `${name}`, which adapters treat as "no description". */
  readonly desc: string;
  /** DSPy's default is the name in title case plus a colon ("Question:"). */
  readonly prefix: string;
  /**
   * An output field's default (DSPy's `OutputField(default=...)`): the value when the LM's answer
   * leaves the field out. Absent (not `undefined`) when the field has none.
   */
  readonly default?: unknown;
}

/** What a caller gives to declare a field (as in `prepend`/`append`). */
export interface FieldInit {
  readonly type?: TypeSpec;
  readonly desc?: string;
  readonly prefix?: string;
  readonly default?: unknown;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function makeField(name: string, role: FieldRole, init: FieldInit = {}): Field {
  if (!identifier.test(name)) throw new SignatureError('field names must be identifiers', { text: name });
  const field: Field = {
    name,
    role,
    type: resolveTypeSpec(init.type, name),
    desc: init.desc ?? `\${${name}}`,
    prefix: init.prefix ?? `${inferPrefix(name)}:`,
  };
  return Object.hasOwn(init, 'default') ? { ...field, default: init.default } : field;
}

/** True when `desc` is DSPy's placeholder rather than a real description. */
export function hasDefaultDesc(field: Field): boolean {
  return field.desc === `\${${field.name}}`;
}
