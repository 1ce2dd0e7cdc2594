import type { Field } from '../signature/field.js';
import { pythonJsonDumps, pythonStr } from './python-json.js';

/**
 * DSPy's `format_field_value`: a list in a `str` field becomes a numbered «» list; objects and
 * arrays become JSON (non-ASCII kept); anything else is Python's `str(value)` (so strings are not quoted).
 */
export function formatFieldValue(field: Field, value: unknown): string {
  if (Array.isArray(value) && field.type.kind === 'str') return formatInputList(value);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return pythonJsonDumps(value, { ensureAscii: false });
  }
  return pythonStr(value);
}

function formatInputList(items: readonly unknown[]): string {
  if (items.length === 0) return 'N/A';
  if (items.length === 1) return formatBlob(pythonStr(items[0]));
  return items.map((item, index) => `[${index + 1}] ${formatBlob(pythonStr(item))}`).join('\n');
}

function formatBlob(blob: string): string {
  if (!blob.includes('\n') && !blob.includes('«') && !blob.includes('»')) return `«${blob}»`;
  return `«««\n    ${blob.replaceAll('\n', '\n    ')}\n»»»`;
}
