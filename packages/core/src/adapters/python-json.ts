// Python's json.dumps and str() for JSON-like values, so prompts match DSPy byte for byte.

export interface PythonJsonOptions {
  /** Python's `indent`: pretty-print with this many spaces and "," item separators. */
  indent?: number;
  /** Python's `ensure_ascii` (its default is true): escape every non-ASCII code unit as \uXXXX. */
  ensureAscii?: boolean;
}

/** `json.dumps(value, indent=..., ensure_ascii=...)` for plain JS values (undefined and functions become null). */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indent = options.indent;
  const itemSeparator = indent === undefined ? ', ' : ',';
  const write = (current: unknown, depth: number): string => {
    if (current === null || current === undefined || typeof current === 'function') return 'null';
    if (typeof current === 'boolean') return current ? 'true' : 'false';
    if (typeof current === 'number') return pythonNumber(current);
    if (typeof current === 'bigint') return current.toString();
    if (typeof current === 'string') return quoteJsonString(current, ensureAscii);
    if (current instanceof Date) return quoteJsonString(current.toISOString(), ensureAscii);
    const entries: [string | undefined, unknown][] = Array.isArray(current)
      ? current.map((item) => [undefined, item])
      : current instanceof Map
        ? [...current.entries()].map(([key, item]) => [String(key), item])
        : Object.entries(current as object);
    const [open, close] = Array.isArray(current) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return open + close;
    const inner = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
    const outer = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
    const items = entries.map(([key, item]) => {
      const rendered = write(item, depth + 1);
      return key === undefined ? rendered : `${quoteJsonString(key, ensureAscii)}: ${rendered}`;
    });
    return `${open}${inner}${items.join(itemSeparator + inner)}${outer}${close}`;
  };
  return write(toJsonable(value), 0);
}

/** Python `str(value)` for scalars; containers as DSPy would first make them JSON. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** An integral number prints as a Python int; others as Python's float repr ("1e-05", "1.5e+16"). */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return BigInt(value).toString();
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) return String(value);
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function quoteJsonString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i]!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** Objects with `toJSON` (and class instances) become plain data, as pydantic's dump does. */
function toJsonable(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value && !(value instanceof Date)) {
    const toJSON = (value as { toJSON: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJsonable(toJSON.call(value));
  }
  if (Array.isArray(value)) return value.map(toJsonable);
  if (value instanceof Map)
    return new Map([...value.entries()].map(([key, item]) => [key, toJsonable(item)]));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonable(item)]));
  }
  return value;
}

/**
 * Python's `str()` of a JSON-like value as json_repair returns it: `None`, `True`, `['a', 'b']`,
 * `{'k': 'v'}` (strings inside containers are `repr`-quoted; a top-level string is itself).
 */
export function pythonStrOfJson(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const items = Object.entries(value).map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`);
    return `{${items.join(', ')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return pythonStr(value);
}

/** `repr(str)`: single quotes unless the text has a single quote and no double quote. */
function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}
