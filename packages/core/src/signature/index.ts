export { annotationName } from './annotation-name.js';
export { type Field, type FieldInit, type FieldRole, hasDefaultDesc, makeField } from './field.js';
export type { EnumMember, FieldKind, FieldType, JsonSchema } from './field-type.js';
export { t } from './field-type-builders.js';
export { inferPrefix } from './infer-prefix.js';
export type {
  FieldSpec,
  InferFields,
  InferTypeSpec,
  InputsOf,
  OutputsOf,
  ParseTypeString,
  TypedFieldType,
  TypeSpec,
} from './infer-types.js';
export { parseType } from './parse-type.js';
export type { SignatureInputs, SignatureOutputs } from './signature.js';
export { defaultInstructions, Signature, type SignatureDefinition } from './signature.js';
export { SignatureError } from './signature-error.js';
export { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';
