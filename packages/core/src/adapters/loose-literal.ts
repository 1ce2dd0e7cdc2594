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
