import { annotationName } from '../signature/annotation-name.js';
import type { Field } from '../signature/field.js';

/** " (must be formatted as a valid Python int)" for non-str outputs, as DSPy's user message says. */
export function typeInfo(field: Field): string {
  if (field.type.kind === 'toolCalls')
    return ' (must be a JSON object like {"tool_calls": [{"name": "...", "args": {...}}]})';
  return field.type.kind === 'str'
    ? ''
    : ` (must be formatted as a valid Python ${annotationName(field.type)})`;
}
