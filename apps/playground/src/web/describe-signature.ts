import { annotationName, type Field, hasDefaultDesc, Signature, SignatureError } from '@x/core';

export interface FieldDescription {
  name: string;
  /** The type as DSPy prints it: "str", "int", "list[str]"… */
  type: string;
  /** The field's description, or '' when it has only DSPy's placeholder. */
  desc: string;
}

export interface SignatureDescription {
  signature: string;
  instructions: string;
  inputs: FieldDescription[];
  outputs: FieldDescription[];
}

const describeField = (field: Field): FieldDescription => ({
  name: field.name,
  type: annotationName(field.type),
  desc: hasDefaultDesc(field) ? '' : field.desc,
});

/** Parses a signature string into what the page needs to draw its form; throws SignatureError. */
export function describeSignature(spec: string): SignatureDescription {
  const signature = Signature.from(spec);
  if (signature.outputFields.length === 0)
    throw new SignatureError('a signature needs at least one output field', { text: spec });
  return {
    signature: spec,
    instructions: signature.instructions,
    inputs: signature.inputFields.map(describeField),
    outputs: signature.outputFields.map(describeField),
  };
}
