import { annotationName } from '../signature/annotation-name.js';
import { type Field, hasDefaultDesc } from '../signature/field.js';
import type { FieldType } from '../signature/field-type.js';
import { ToolCalls } from '../tools/tool-calls.js';
import { pythonDedent, pythonSplitLines } from './python-text.js';

/** DSPy's `get_field_description_string`: "1. `question` (str): The question" per line. */
export function fieldDescription(fields: readonly Field[]): string {
  return fields
    .map((field, index) => {
      let desc = hasDefaultDesc(field) ? '' : field.desc;
      // DSPy adds each custom type's description(); of those here only ToolCalls has one.
      if (mentionsToolCalls(field.type))
        desc += `\n    Type description of ToolCalls: ${ToolCalls.description}`;
      return `${index + 1}. \`${field.name}\` (${annotationName(field.type)}): ${desc}`;
    })
    .join('\n')
    .trim();
}

function mentionsToolCalls(type: FieldType): boolean {
  switch (type.kind) {
    case 'toolCalls':
      return true;
    case 'list':
      return mentionsToolCalls(type.items);
    case 'dict':
      return mentionsToolCalls(type.values);
    case 'union':
      return type.options.some(mentionsToolCalls);
    default:
      return false;
  }
}

/** "Your input fields are: … Your output fields are: …", the start of every system message. */
export function formatFieldDescriptions(inputs: readonly Field[], outputs: readonly Field[]): string {
  return `Your input fields are:\n${fieldDescription(inputs)}\nYour output fields are:\n${fieldDescription(outputs)}`;
}

/** DSPy's `format_task_description`: the instructions, dedented, each line indented by 8 spaces. */
export function formatTaskDescription(instructions: string): string {
  const lines = pythonSplitLines(pythonDedent(instructions));
  return `In adhering to this structure, your objective is: ${lines.map((line) => `\n        ${line}`).join('')}`;
}
