import type { Field } from '../signature/field.js';
import { jsonSchemaOfType } from './json-schema-of-type.js';
import { pythonJsonDumps, pythonStr } from './python-json.js';

/**
 * DSPy's `translate_field_type`: the `{name}` placeholder of the structure section, followed for
 * typed outputs by "        # note: the value you produce must …".
 */
export function fieldStructureHint(field: Field): string {
  const note = field.role === 'input' ? '' : typeNote(field);
  return note ? `{${field.name}}        # note: the value you produce ${note}` : `{${field.name}}`;
}

function typeNote(field: Field): string {
  const type = field.type;
  switch (type.kind) {
    case 'str':
      return '';
    case 'bool':
      return 'must be True or False';
    case 'int':
    case 'float':
      return `must be a single ${type.kind} value`;
    case 'enum':
      return `must be one of: ${type.members.map((member) => pythonStr(member.value)).join('; ')}`;
    case 'literal':
      return `must exactly match (no extra characters) one of: ${type.values.map(pythonStr).join('; ')}`;
    default:
      return `must adhere to the JSON schema: ${pythonJsonDumps(jsonSchemaOfType(type), { ensureAscii: false })}`;
  }
}
