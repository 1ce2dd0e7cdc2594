import { type Field, type FieldRole, makeField } from './field.js';
import { parseType, splitTopLevel } from './parse-type.js';
import { SignatureError } from './signature-error.js';

/** Parses "question: str, context: list[str] -> answer: int" into ordered fields. */
export function parseSignatureString(spec: string): Field[] {
  const arrows = spec.split('->').length - 1;
  if (arrows !== 1) throw new SignatureError("a signature must contain exactly one '->'", { text: spec });
  const [inputs = '', outputs = ''] = spec.split('->');
  const fields = [...parseFieldList(inputs, 'input', spec), ...parseFieldList(outputs, 'output', spec)];
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new SignatureError(`duplicate field '${field.name}'`, { text: spec });
    seen.add(field.name);
  }
  return fields;
}

function parseFieldList(list: string, role: FieldRole, spec: string): Field[] {
  return splitTopLevel(list, spec).map((part) => {
    const colon = part.indexOf(':');
    const name = (colon < 0 ? part : part.slice(0, colon)).trim();
    if (name === '') throw new SignatureError('empty field name', { text: part.trim() || spec });
    if (colon < 0) return makeField(name, role);
    const typeText = part.slice(colon + 1);
    if (typeText.trim() === '') throw new SignatureError('missing type after ":"', { text: part.trim() });
    return { ...makeField(name, role), type: parseType(typeText) };
  });
}
