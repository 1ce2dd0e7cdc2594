import { annotationName } from '../signature/annotation-name.js';
import type { FieldType } from '../signature/field-type.js';
import { allowsNone } from '../signature/union-type.js';
import { ToolCalls } from '../tools/tool-calls.js';
import {
  parseLeadingContainer,
  parseLooseLiteral,
  parseTopLevelContainers,
  stripCodeFence,
} from './loose-literal.js';
import { pythonJsonDumps, pythonStr, pythonStrOfJson } from './python-json.js';

/** Thrown (internally) when a value cannot become its field's type; adapters wrap it in AdapterParseError. */
export class CoercionError extends Error {}

/**
 * DSPy's `parse_value`, more forgiving: the field's text is read as JSON or a Python literal
 * (leniently) unless the type is `str` (or a union of `str` and `None`, kept as text as DSPy does),
 * then coerced to the type. Literal and enum values match after trimming whitespace, quotes and a
 * `Literal[...]` wrapper. A list or object followed by prose keeps the leading value, as json_repair;
 * several of them are read as json_repair reads them when that fits the type.
 */
export function parseFieldText(text: string, type: FieldType): unknown {
  if (type.kind === 'str') return text;
  if (type.kind === 'literal' || type.kind === 'enum') return coerceValue(text, type);
  if (type.kind === 'union' && type.options.some((option) => option.kind === 'str') && allowsNone(type))
    return text;
  // Several containers: DSPy's reading (json_repair's updates and lists) when it fits the type, else
  // the leading one, which DSPy would reject.
  const repaired = parseLooseLiteral(text).ok ? undefined : parseTopLevelContainers(text);
  if (repaired?.ok && fitsStrictly(repaired.value, type)) {
    try {
      return coerceValue(repaired.value, type);
    } catch (error) {
      if (!(error instanceof CoercionError)) throw error;
    }
  }
  return coerceValue(readLooseValue(text), type);
}

/** Whether pydantic would take `value` as `type` without our lenient conversions (str() of a list…). */
function fitsStrictly(value: unknown, type: FieldType): boolean {
  switch (type.kind) {
    case 'list':
      return Array.isArray(value) && value.every((item) => fitsStrictly(item, type.items));
    case 'dict':
      return isPlainObject(value) && Object.values(value).every((item) => fitsStrictly(item, type.values));
    case 'union':
      return type.options.some((option) => fitsStrictly(value, option));
    case 'int':
    case 'float':
      // pydantic's lax mode takes a bool as a number (True is 1).
      return typeof value === 'boolean' || isExactly(value, type);
    case 'str':
    case 'bool':
    case 'none':
      return isExactly(value, type);
    default:
      return true;
  }
}

/**
 * json_repair's reading, then `ast.literal_eval`'s, as DSPy's parse_value tries them: the whole text;
 * else the first list or object in it, with prose before or after ignored; else a bare
 * comma-separated sequence (`1, 2, 3`, a Python tuple); else the text itself.
 */
function readLooseValue(text: string): unknown {
  const parsed = parseLooseLiteral(text);
  if (parsed.ok) return parsed.value;
  const open = text.search(/[[{]/);
  if (open >= 0) {
    const leading = parseLeadingContainer(text.slice(open));
    if (leading.ok) return leading.value;
  }
  if (/,/.test(text) && !/[[\]{}]/.test(text)) {
    const tuple = parseLooseLiteral(`[${text}]`);
    if (tuple.ok) return tuple.value;
  }
  return text;
}

/** Coerces an already-parsed value (or a string) to `type`; throws CoercionError. */
export function coerceValue(value: unknown, type: FieldType, path = ''): unknown {
  switch (type.kind) {
    case 'str':
      // DSPy's parse_value: `if annotation is str: return str(value)`.
      if (value === undefined) fail(path, 'a string', value);
      return pythonStrOfJson(value);
    case 'int': {
      const number = toNumber(value);
      if (number === undefined || !Number.isInteger(number)) fail(path, 'an integer', value);
      return number;
    }
    case 'float': {
      const number = toNumber(value, true);
      if (number === undefined) fail(path, 'a number', value);
      return number;
    }
    case 'bool':
      return toBool(value, path);
    case 'literal':
      return matchChoice(value, type.values, path);
    case 'enum': {
      const members = type.members;
      const byValue = matchChoice(
        value,
        members.map((member) => member.value),
        path,
        true,
      );
      if (byValue !== undefined) return byValue;
      const name = matchChoice(
        value,
        members.map((member) => member.name),
        path,
        true,
      );
      const member = members.find((candidate) => candidate.name === name);
      if (!member) fail(path, `one of ${members.map((item) => pythonStr(item.value)).join(', ')}`, value);
      return member.value;
    }
    case 'list': {
      const list = typeof value === 'string' ? reparse(value) : value;
      if (!Array.isArray(list)) fail(path, 'a list', value);
      return list.map((item, index) => coerceValue(item, type.items, `${path}[${index}]`));
    }
    case 'dict': {
      const dict = typeof value === 'string' ? reparse(value) : value;
      if (!isPlainObject(dict)) fail(path, 'an object', value);
      return Object.fromEntries(
        Object.entries(dict).map(([key, item]) => [key, coerceValue(item, type.values, `${path}.${key}`)]),
      );
    }
    case 'object':
      return coerceObject(typeof value === 'string' ? reparse(value) : value, type, path);
    case 'history':
      return fail(path, 'no History value (History is input-only)', value);
    case 'none':
      if (value === null || value === undefined) return null;
      if (typeof value === 'string' && ['None', 'null'].includes(value.trim())) return null;
      return fail(path, 'None', value);
    case 'union':
      return coerceUnion(value, type.options, path);
    case 'any':
    case 'tool':
      return value;
    case 'toolCalls': {
      const calls = ToolCalls.from(typeof value === 'string' ? reparse(value) : value);
      if (!calls) return fail(path, 'tool calls like {"tool_calls": [{"name": ..., "args": {...}}]}', value);
      return calls;
    }
  }
}

/**
 * pydantic's smart union, roughly: an option the value already is (a string for `str`, an integer
 * for `int`, …) wins; otherwise the first option that coerces, in declaration order.
 */
function coerceUnion(value: unknown, options: readonly FieldType[], path: string): unknown {
  const exact = options.find((option) => isExactly(value, option));
  const ordered = exact ? [exact, ...options.filter((option) => option !== exact)] : options;
  for (const option of ordered) {
    if (option.kind === 'str' && value === null && options.some((item) => item.kind === 'none')) continue;
    try {
      return coerceValue(value, option, path);
    } catch (error) {
      if (!(error instanceof CoercionError)) throw error;
    }
  }
  fail(path, `one of ${options.map(annotationName).join(', ')}`, value);
}

function isExactly(value: unknown, type: FieldType): boolean {
  switch (type.kind) {
    case 'none':
      return value === null;
    case 'str':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'dict':
    case 'object':
      return isPlainObject(value);
    default:
      return false;
  }
}

function coerceObject(value: unknown, type: Extract<FieldType, { kind: 'object' }>, path: string): unknown {
  if (type.validator) {
    const result = type.validator['~standard'].validate(value);
    if (result instanceof Promise)
      throw new CoercionError(`${where(path)}async validators are not supported`);
    if (result.issues) {
      const issues = result.issues.map((issue) => issue.message).join('; ');
      throw new CoercionError(`${where(path)}failed validation: ${issues}`);
    }
    return result.value;
  }
  if (!isPlainObject(value)) fail(path, 'an object', value);
  const required = Array.isArray(type.schema.required) ? (type.schema.required as string[]) : [];
  const missing = required.filter((key) => !(key in value));
  if (missing.length > 0)
    throw new CoercionError(`${where(path)}missing required keys ${missing.join(', ')}`);
  return value;
}

function reparse(text: string): unknown {
  return readLooseValue(text);
}

// pydantic's lax float takes what Python's float() reads, NaN and infinities included.
const nonFinite: Record<string, number> = { nan: Number.NaN, inf: Infinity, infinity: Infinity };

function toNumber(value: unknown, allowNonFinite = false): number | undefined {
  // pydantic's lax int/float take a bool: True is 1 (DSPy's JSONAdapter reads {"a": True} for an int as 1).
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) || allowNonFinite ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = stripCodeFence(value).trim();
  // Python's int()/float() take underscores between digits ("1_000").
  if (/^[+-]?\d+(_\d+)+(\.\d+)?$/.test(text)) return Number(text.replaceAll('_', ''));
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special) {
    if (!allowNonFinite) return undefined;
    const magnitude = nonFinite[special[2]!.toLowerCase()]!;
    return special[1] === '-' ? -magnitude : magnitude;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

// pydantic's lax bool: true/false, 0/1, and the usual yes/no words (case-insensitive).
const trueWords = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const falseWords = new Set(['false', 'f', 'no', 'n', 'off', '0']);

function toBool(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string') {
    const word = unquote(value.trim()).toLowerCase();
    if (trueWords.has(word)) return true;
    if (falseWords.has(word)) return false;
  }
  fail(path, 'True or False', value);
}

function matchChoice<T extends string | number | boolean>(
  value: unknown,
  choices: readonly T[],
  path: string,
  optional = false,
): T | undefined {
  const exact = choices.find((choice) => choice === value);
  if (exact !== undefined) return exact;
  if (typeof value === 'string') {
    let text = value.trim();
    const wrapped = /^(?:Literal|str)\[([\s\S]*)\]$/.exec(text);
    if (wrapped) text = wrapped[1]!.trim();
    text = unquote(text);
    const found = choices.find((choice) => choice === text || pythonStr(choice) === text);
    if (found !== undefined) return found;
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    const found = choices.find((choice) => choice === pythonStr(value));
    if (found !== undefined) return found;
  }
  if (optional) return undefined;
  fail(path, `one of ${choices.map(pythonStr).join(', ')}`, value);
}

function unquote(text: string): string {
  const first = text[0];
  if (text.length > 1 && (first === '"' || first === "'") && text.endsWith(first)) return text.slice(1, -1);
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function where(path: string): string {
  return path ? `at ${path}: ` : '';
}

function fail(path: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? got : pythonJsonDumps(got, { ensureAscii: false });
  const clipped = shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
  throw new CoercionError(`${where(path)}expected ${expected}, got ${JSON.stringify(clipped)}`);
}
