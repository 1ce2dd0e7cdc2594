// A forgiving reader for values LMs write: JSON, Python literals (True/False/None, 'single quotes',
// tuples), trailing commas, unquoted keys, code fences, and containers left unclosed at the end.

export type LooseResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** Parses the whole text as one value; trailing non-space text is an error. */
export function parseLooseLiteral(text: string): LooseResult {
  const reader = new Reader(stripCodeFence(text));
  try {
    reader.skipSpace();
    const value = reader.value(0);
    reader.skipSpace();
    if (!reader.atEnd()) return { ok: false, reason: `unexpected text at offset ${reader.offset}` };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * json_repair's reading of a list or object followed by prose (`["a", "b"]\nThese are…`): the
 * leading container, when the text starts with one that closes and what follows is not JSON.
 */
export function parseLeadingContainer(text: string): LooseResult {
  const source = stripCodeFence(text);
  const reader = new Reader(source);
  reader.skipSpace();
  const first = source.trimStart()[0];
  if (first !== '[' && first !== '{') return { ok: false, reason: 'no leading list or object' };
  try {
    const value = reader.value(0);
    if (!reader.closed) return { ok: false, reason: 'the leading list or object is not closed' };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * json_repair's reading of several lists or objects among prose (json_parser.py `_parse_top_level`):
 * a later container shaped like the one before it (same types, keys and lengths, recursively) replaces
 * it as an update unless a comma separates them, an empty one gives way to the next, and otherwise
 * they add up to a list. Prose, comments and bare values between them are skipped. Undefined when the
 * text holds fewer than two containers.
 */
export function parseTopLevelContainers(text: string): LooseResult | undefined {
  const source = stripCodeFence(text);
  const values: unknown[] = [];
  let found = 0;
  let from = 0;
  for (;;) {
    const start = nextContainer(source, from);
    if (start < 0) break;
    const reader = new Reader(source);
    reader.offset = start;
    let value: unknown;
    try {
      value = reader.value(0);
    } catch {
      from = start + 1;
      continue;
    }
    const commaBefore = /,\s*$/.test(source.slice(from, start));
    from = reader.offset;
    if (found++ === 0) values.push(value);
    else if (!isEmpty(value)) {
      if ((!commaBefore && sameShape(values.at(-1), value)) || isEmpty(values.at(-1))) values.pop();
      values.push(value);
    }
  }
  if (found < 2) return undefined;
  return { ok: true, value: values.length === 1 ? values[0] : values };
}

function nextContainer(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '[' || char === '{') return index;
    if (text.startsWith('//', index)) {
      const end = text.indexOf('\n', index);
      if (end < 0) return -1;
      index = end;
    } else if (text.startsWith('/*', index)) {
      const end = text.indexOf('*/', index + 2);
      if (end < 0) return -1;
      index = end + 1;
    }
  }
  return -1;
}

const isEmpty = (value: unknown) =>
  Array.isArray(value)
    ? value.length === 0
    : typeof value === 'object' && value !== null && Object.keys(value).length === 0;

// json_repair's ObjectComparer.is_same_object; Python's int and float are told apart by Number.isInteger.
function sameShape(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameShape(item, b[i]))
    );
  }
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Number.isInteger(a) === Number.isInteger(b);
  if (typeof a !== 'object') return true;
  const [left, right] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => key in right && sameShape(left[key], right[key]))
  );
}

/** Removes one surrounding ``` fence (with an optional language tag). */
export function stripCodeFence(text: string): string {
  const fenced = /^\s*```[\w-]*[^\S\n]*\n?([\s\S]*?)\n?\s*```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

const maxDepth = 200;
const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '0': '\0' };

class Reader {
  offset = 0;
  /** False once a container ran to the end of the text without its closing bracket. */
  closed = true;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  // Skips whitespace and, as json_repair does, line and block comments.
  skipSpace(): void {
    for (;;) {
      while (!this.atEnd() && /\s/.test(this.text[this.offset]!)) this.offset++;
      if (this.text.startsWith('//', this.offset)) {
        const end = this.text.indexOf('\n', this.offset);
        this.offset = end < 0 ? this.text.length : end;
      } else if (this.text.startsWith('/*', this.offset)) {
        const end = this.text.indexOf('*/', this.offset + 2);
        this.offset = end < 0 ? this.text.length : end + 2;
      } else return;
    }
  }

  value(depth: number): unknown {
    if (depth > maxDepth) throw new Error('nesting too deep');
    const char = this.text[this.offset];
    if (char === undefined) throw new Error('unexpected end of text');
    if (char === '{') return this.object(depth);
    if (char === '[' || char === '(') return this.array(depth, char === '[' ? ']' : ')');
    if (char === '"' || char === "'") return this.string();
    const start = this.offset;
    const word = /^(-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|-?Infinity|NaN|[A-Za-z_][\w]*)/.exec(
      this.text.slice(this.offset, this.offset + 400),
    );
    const token = word?.[0];
    if (token !== undefined) {
      this.offset += token.length;
      if (token === 'true' || token === 'True') return true;
      if (token === 'false' || token === 'False') return false;
      if (token === 'null' || token === 'None') return null;
      const number = Number(token);
      if ((!Number.isNaN(number) || token === 'NaN') && !this.continuesBareText()) return number;
    }
    // Inside a list or object, json_repair reads unquoted text up to the next delimiter as a string.
    if (depth > 0) return this.bareText(start);
    throw new Error(
      token === undefined
        ? `unexpected ${JSON.stringify(char)} at offset ${this.offset}`
        : `unknown word ${JSON.stringify(token)}`,
    );
  }

  private continuesBareText(): boolean {
    const next = this.text[this.offset];
    return next !== undefined && !/[\s,\]})/:]/.test(next);
  }

  private bareText(start: number): string {
    const end = this.text.slice(start).search(/[,\]})\n]/);
    this.offset = end < 0 ? this.text.length : start + end;
    const text = this.text.slice(start, this.offset).trim();
    if (text === '') throw new Error(`unexpected ${JSON.stringify(this.text[start])} at offset ${start}`);
    return text;
  }

  private object(depth: number): Record<string, unknown> {
    this.offset++;
    const result: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) {
        this.closed = false;
        return result;
      }
      if (this.text[this.offset] === '}') {
        this.offset++;
        return result;
      }
      const key = this.key();
      this.skipSpace();
      if (this.text[this.offset] !== ':') throw new Error(`expected ':' at offset ${this.offset}`);
      this.offset++;
      this.skipSpace();
      result[key] = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.offset] === ',') this.offset++;
      else if (!this.atEnd() && this.text[this.offset] !== '}') {
        throw new Error(`expected ',' or '}' at offset ${this.offset}`);
      }
    }
  }

  private key(): string {
    const char = this.text[this.offset];
    if (char === '"' || char === "'") return this.string();
    const bare = /^[\w$-]+/.exec(this.text.slice(this.offset, this.offset + 400));
    if (!bare) throw new Error(`expected a key at offset ${this.offset}`);
    this.offset += bare[0].length;
    return bare[0];
  }

  private array(depth: number, close: string): unknown[] {
    this.offset++;
    const result: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) {
        this.closed = false;
        return result;
      }
      if (this.text[this.offset] === close) {
        this.offset++;
        return result;
      }
      result.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.offset] === ',') this.offset++;
      else if (!this.atEnd() && this.text[this.offset] !== close) {
        throw new Error(`expected ',' or '${close}' at offset ${this.offset}`);
      }
    }
  }

  private string(): string {
    const quote = this.text[this.offset]!;
    this.offset++;
    let out = '';
    while (!this.atEnd()) {
      const char = this.text[this.offset++]!;
      if (char === quote) return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const next = this.text[this.offset++];
      if (next === undefined) break;
      if (next === 'u' || next === 'x') {
        const length = next === 'u' ? 4 : 2;
        const hex = this.text.slice(this.offset, this.offset + length);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw new Error('bad escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.offset += length;
      } else out += escapes[next] ?? next;
    }
    throw new Error('unterminated string');
  }
}
