import type { FieldType } from './field-type.js';
import { SignatureError } from './signature-error.js';
import { unionType } from './union-type.js';

const scalarNames: Record<string, FieldType> = {
  str: { kind: 'str' },
  string: { kind: 'str' },
  int: { kind: 'int' },
  integer: { kind: 'int' },
  float: { kind: 'float' },
  number: { kind: 'float' },
  bool: { kind: 'bool' },
  boolean: { kind: 'bool' },
  History: { kind: 'history' },
  Any: { kind: 'any' },
  Tool: { kind: 'tool' },
  'dspy.Tool': { kind: 'tool' },
  ToolCalls: { kind: 'toolCalls' },
  'dspy.ToolCalls': { kind: 'toolCalls' },
  'dspy.History': { kind: 'history' },
};

/**
 * Parses a DSPy type annotation ("list[str]", "dict[str, int]", "Literal['a', 'b']",
 * "Optional[int]", "Union[int, str]", "int | None").
 */
export function parseType(text: string): FieldType {
  const source = text.trim();
  const alternatives = splitTopLevel(source, text, '|');
  if (alternatives.length > 1) {
    if (alternatives.some((part) => part.trim() === ''))
      throw new SignatureError('empty type in a union', { text });
    return unionType(alternatives.map(parseType));
  }
  if (source === 'None' || source === 'NoneType') return { kind: 'none' };
  const scalar = scalarNames[source];
  if (scalar) return scalar;
  const generic = /^([A-Za-z_][A-Za-z0-9_]*)\s*\[([\s\S]*)\]$/.exec(source);
  if (!generic) throw new SignatureError('unknown field type', { text });
  const [, head, body = ''] = generic;
  const args = splitTopLevel(body, text);
  if (head === 'list' || head === 'List') {
    if (args.length !== 1) throw new SignatureError('list[...] takes exactly one type', { text });
    return { kind: 'list', items: parseType(args[0]!) };
  }
  if (head === 'dict' || head === 'Dict') {
    if (args.length !== 2 || parseType(args[0]!).kind !== 'str') {
      throw new SignatureError('dict[...] must be dict[str, T]', { text });
    }
    return { kind: 'dict', values: parseType(args[1]!) };
  }
  if (head === 'Literal') {
    if (args.length === 0 || args.some((arg) => arg.trim() === '')) {
      throw new SignatureError('Literal[...] needs at least one value', { text });
    }
    return { kind: 'literal', values: args.map((arg) => parseLiteralValue(arg.trim(), text)) };
  }
  if (head === 'Optional') {
    if (args.length !== 1) throw new SignatureError('Optional[...] takes exactly one type', { text });
    return unionType([parseType(args[0]!), { kind: 'none' }]);
  }
  if (head === 'Union') {
    if (args.length === 0) throw new SignatureError('Union[...] needs at least one type', { text });
    return unionType(args.map(parseType));
  }
  throw new SignatureError('unknown generic field type', { text });
}

function parseLiteralValue(token: string, text: string): string | number | boolean {
  if (token === 'True') return true;
  if (token === 'False') return false;
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  const quote = token[0];
  if ((quote === "'" || quote === '"') && token.length >= 2 && token.endsWith(quote)) {
    return token.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  throw new SignatureError('Literal values must be quoted strings, numbers, True or False', { text });
}

/** Splits on `separator` outside brackets and quotes; throws on unbalanced brackets or quotes. */
export function splitTopLevel(source: string, context: string = source, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quote) {
      current += char;
      if (char === '\\' && i + 1 < source.length) current += source[++i];
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '[') depth++;
    else if (char === ']') {
      depth--;
      if (depth < 0) throw new SignatureError('unbalanced brackets', { text: context });
    } else if (char === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (quote) throw new SignatureError('unterminated quote', { text: context });
  if (depth !== 0) throw new SignatureError('unbalanced brackets', { text: context });
  parts.push(current);
  if (parts.length === 1 && parts[0]!.trim() === '') return [];
  return parts;
}
