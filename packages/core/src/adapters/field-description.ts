import { annotationName } from '../signature/annotation-name.js';
import { type Field, hasDefaultDesc } from '../signature/field.js';
import { pythonDedent, pythonSplitLines } from './python-text.js';

/** DSPy's `get_field_description_string`: "1. `question` (str): The question" per line. */
export function fieldDescription(fields: readonly Field[]): string {
  return fields
    .map((field, index) => {
      const desc = hasDefaultDesc(field) ? '' : field.desc;
      return `${index + 1}. \`${field.name}\` (${annotationName(field.type)}): ${desc}`;
    })
    .join('\n')
    .trim();
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
