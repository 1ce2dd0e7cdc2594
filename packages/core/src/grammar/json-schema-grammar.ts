import { GrammarError } from '../errors/grammar-error.js';
import type { JsonSchema } from '../signature/field-type.js';
import {
  alt,
  digits,
  type GrammarNode,
  literal,
  oneOf,
  optional,
  repeat,
  seq,
  whitespace,
} from './grammar-node.js';
import { jsonStringGrammar } from './json-string-grammar.js';

export interface JsonGrammarOptions {
  /** Keep `[[` out of strings (values inside ChatAdapter fields). */
  forbidMarkers?: boolean;
  /** Nesting levels a schema-less value (`{}`, `json_object`) may use. Default 3. */
  freeDepth?: number;
  /** Whitespace characters allowed between tokens. Default 24 (room for indented output). */
  maxWhitespace?: number;
  /**
   * Skip keywords the grammar cannot enforce instead of throwing (adapters do: their parse still
   * validates the value, and a signature should not fail to run over a `minimum`).
   */
  lenient?: boolean;
}

// Keywords that only describe, or that every output of the grammar satisfies anyway.
const ignored = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$schema',
  '$id',
  '$comment',
  'format',
  'deprecated',
  'readOnly',
  'writeOnly',
  'additionalProperties',
  'properties',
  'required',
  'items',
  'type',
  '$defs',
  'definitions',
  '$ref',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'strict',
  'discriminator',
  'nullable',
]);

const integer = seq(
  optional(literal('-')),
  alt(literal('0'), seq(oneOf('123456789'), repeat(oneOf(digits), 0, 15))),
);
const fraction = seq(literal('.'), repeat(oneOf(digits), 1, 16));
// Two exponent digits at most: 16 digits times 1e99 stays finite in a double.
const exponent = seq(oneOf('eE'), optional(oneOf('+-')), repeat(oneOf(digits), 1, 2));
/** A JSON integer (at most 16 digits, so it stays exact in a double). */
export const jsonIntegerGrammar = integer;
// 15 digits: every value lies within ±(2^53 - 1), the bounds zod and others write for an int.
const safeInteger = seq(
  optional(literal('-')),
  alt(literal('0'), seq(oneOf('123456789'), repeat(oneOf(digits), 0, 14))),
);
const boundKeys = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const safeLimit = 999_999_999_999_999;

/** Whether an integer schema's numeric bounds hold for every 15-digit integer (so the grammar enforces them). */
function hasWideIntegerBounds(schema: JsonSchema): boolean {
  if (schema.type !== 'integer') return false;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  const below = (value: unknown, limit: number) =>
    value === undefined || (typeof value === 'number' && value <= limit);
  const above = (value: unknown, limit: number) =>
    value === undefined || (typeof value === 'number' && value >= limit);
  return (
    below(minimum, -safeLimit) &&
    below(exclusiveMinimum, -safeLimit - 1) &&
    above(maximum, safeLimit) &&
    above(exclusiveMaximum, safeLimit + 1)
  );
}
export const jsonNumberGrammar = seq(integer, optional(fraction), optional(exponent));

/**
 * A grammar for the JSON documents that validate against `schema` (draft 2020-12 subset:
 * type, properties/required in order, additionalProperties, items, min/maxItems, min/maxLength,
 * enum, const, anyOf/oneOf, allOf of one, $ref into $defs). Keywords it cannot enforce (pattern,
 * numeric bounds, …) throw GrammarError rather than be silently dropped.
 */
export function jsonSchemaGrammar(
  schema: JsonSchema | boolean,
  options: JsonGrammarOptions = {},
): GrammarNode {
  const ws = whitespace(options.maxWhitespace ?? 24);
  const string = jsonStringGrammar({ forbidMarkers: options.forbidMarkers });
  const root = typeof schema === 'object' ? schema : {};
  const refsInUse: string[] = [];

  const freeValue = (depth: number): GrammarNode => {
    const scalars = [string, jsonNumberGrammar, literal('true'), literal('false'), literal('null')];
    if (depth <= 0) return alt(...scalars);
    const inner = freeValue(depth - 1);
    const array = seq(
      literal('['),
      ws,
      optional(repeat(inner, 1, undefined, seq(ws, literal(','), ws))),
      ws,
      literal(']'),
    );
    const member = seq(string, ws, literal(':'), ws, inner);
    const object = seq(
      literal('{'),
      ws,
      optional(repeat(member, 1, undefined, seq(ws, literal(','), ws))),
      ws,
      literal('}'),
    );
    return alt(...scalars, array, object);
  };

  const resolve = (ref: string, path: string): JsonSchema => {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const defs = match ? (root[match[1]!] as Record<string, JsonSchema> | undefined) : undefined;
    const target = match ? defs?.[decodeURIComponent(match[2]!)] : undefined;
    if (target === undefined) throw new GrammarError(`cannot resolve $ref ${ref}`, { path });
    return target;
  };

  const node = (current: JsonSchema | boolean, path: string): GrammarNode => {
    if (current === true) return freeValue(options.freeDepth ?? 3);
    if (current === false) throw new GrammarError('schema `false` admits no value', { path });
    const wideBounds = hasWideIntegerBounds(current);
    for (const key of Object.keys(current)) {
      if (wideBounds && boundKeys.includes(key)) continue;
      if (!options.lenient && !ignored.has(key) && !key.startsWith('x-'))
        throw new GrammarError(`JSON schema keyword '${key}' is not supported`, { path });
    }
    if (typeof current.$ref === 'string') {
      if (refsInUse.includes(current.$ref))
        throw new GrammarError(`recursive $ref ${current.$ref} is not supported`, { path });
      refsInUse.push(current.$ref);
      try {
        return node(resolve(current.$ref, path), `${path}/$ref`);
      } finally {
        refsInUse.pop();
      }
    }
    if (current.const !== undefined) return literal(JSON.stringify(current.const));
    if (Array.isArray(current.enum))
      return alt(...current.enum.map((value) => literal(JSON.stringify(value))));
    const union = (current.anyOf ?? current.oneOf) as JsonSchema[] | undefined;
    if (Array.isArray(union)) return alt(...union.map((item, i) => node(item, `${path}/anyOf/${i}`)));
    if (Array.isArray(current.allOf)) {
      if (current.allOf.length !== 1 && !options.lenient)
        throw new GrammarError('allOf with several schemas is not supported', { path });
      return node(current.allOf[0] as JsonSchema, `${path}/allOf/0`);
    }
    const type = current.type;
    if (Array.isArray(type)) return alt(...type.map((item) => typed(current, String(item), path)));
    if (type === undefined) {
      if (current.properties !== undefined) return typed(current, 'object', path);
      if (current.items !== undefined) return typed(current, 'array', path);
      return freeValue(options.freeDepth ?? 3);
    }
    const base = typed(current, String(type), path);
    return current.nullable === true ? alt(base, literal('null')) : base;
  };

  const typed = (current: JsonSchema, type: string, path: string): GrammarNode => {
    switch (type) {
      case 'string':
        return jsonStringGrammar({
          forbidMarkers: options.forbidMarkers,
          minLength: count(current.minLength),
          maxLength: count(current.maxLength),
        });
      case 'integer':
        return boundKeys.some((key) => current[key] !== undefined) ? safeInteger : jsonIntegerGrammar;
      case 'number':
        return jsonNumberGrammar;
      case 'boolean':
        return alt(literal('true'), literal('false'));
      case 'null':
        return literal('null');
      case 'array': {
        const item = node((current.items as JsonSchema | boolean | undefined) ?? true, `${path}/items`);
        const min = count(current.minItems) ?? 0;
        const max = count(current.maxItems);
        const items = repeat(item, Math.max(1, min), max, seq(ws, literal(','), ws));
        const body = min === 0 ? (max === 0 ? literal('') : optional(items)) : items;
        return seq(literal('['), ws, body, ws, literal(']'));
      }
      case 'object':
        return objectGrammar(current, path);
      default:
        throw new GrammarError(`unknown JSON schema type '${type}'`, { path });
    }
  };

  const objectGrammar = (current: JsonSchema, path: string): GrammarNode => {
    const properties = current.properties as Record<string, JsonSchema> | undefined;
    const comma = seq(ws, literal(','), ws);
    if (properties === undefined || Object.keys(properties).length === 0) {
      const extra = current.additionalProperties;
      if (extra === false) return seq(literal('{'), ws, literal('}'));
      const value = node((extra as JsonSchema | boolean | undefined) ?? true, `${path}/additionalProperties`);
      const member = seq(string, ws, literal(':'), ws, value);
      return seq(literal('{'), ws, optional(repeat(member, 1, undefined, comma)), ws, literal('}'));
    }
    const required = new Set(Array.isArray(current.required) ? (current.required as string[]) : []);
    const members = Object.keys(properties).map((name) => ({
      node: seq(
        literal(JSON.stringify(name)),
        ws,
        literal(':'),
        ws,
        node(properties[name]!, `${path}/properties/${name}`),
      ),
      required: required.has(name),
    }));
    const body = orderedMembersGrammar(members, comma);
    return seq(literal('{'), ws, body, ws, literal('}'));
  };

  return node(schema, '#');
}

/**
 * Object members in a fixed order, joined by `comma`, where optional ones may be left out (an
 * object's body without its braces).
 */
export function orderedMembersGrammar(
  members: readonly { node: GrammarNode; required: boolean }[],
  comma: GrammarNode,
): GrammarNode {
  // After the first member written, each later one is `, member`: required or optional.
  const tail = (from: number): GrammarNode =>
    seq(
      literal(''),
      ...members
        .slice(from)
        .map((member) => (member.required ? seq(comma, member.node) : optional(seq(comma, member.node)))),
    );
  const firstRequired = members.findIndex((member) => member.required);
  const lastFirst = firstRequired === -1 ? members.length - 1 : firstRequired;
  const starts = members.slice(0, lastFirst + 1).map((member, i) => seq(member.node, tail(i + 1)));
  return firstRequired === -1 ? optional(alt(...starts)) : alt(...starts);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
