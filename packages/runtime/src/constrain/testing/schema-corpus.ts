import type { JsonSchema } from '@x/core';

/** JSON schemas with documents known to validate (keys in schema order). */
export const SCHEMA_CORPUS: ReadonlyArray<{ name: string; schema: JsonSchema; documents: unknown[] }> = [
  {
    name: 'nested objects',
    schema: {
      type: 'object',
      properties: {
        user: {
          type: 'object',
          properties: { id: { type: 'integer' }, name: { type: 'string' } },
          required: ['id', 'name'],
          additionalProperties: false,
        },
        active: { type: 'boolean' },
      },
      required: ['user'],
      additionalProperties: false,
    },
    documents: [{ user: { id: 7, name: 'Lily' }, active: true }, { user: { id: -1, name: '' } }],
  },
  {
    // zod's z.number().int() writes the safe-integer bounds.
    name: 'integers with the safe-integer bounds',
    schema: {
      type: 'object',
      properties: {
        age: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        count: { type: 'integer', exclusiveMinimum: -9007199254740992 },
      },
      required: ['age', 'count'],
      additionalProperties: false,
    },
    documents: [{ age: 7, count: -123456789012345 }],
  },
  {
    name: 'arrays with bounds',
    schema: {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string', maxLength: 8 }, minItems: 1, maxItems: 3 },
        scores: { type: 'array', items: { type: 'number' }, maxItems: 2 },
      },
      required: ['tags', 'scores'],
      additionalProperties: false,
    },
    documents: [
      { tags: ['park', 'ball'], scores: [] },
      { tags: ['a'], scores: [1.5, -2e-3] },
    ],
  },
  {
    name: 'enums and consts',
    schema: {
      type: 'object',
      properties: {
        color: { enum: ['red', 'green', 'blue'] },
        size: { type: 'string', enum: ['S', 'M'] },
        version: { const: 2 },
      },
      required: ['color', 'version'],
      additionalProperties: false,
    },
    documents: [
      { color: 'green', version: 2 },
      { color: 'red', size: 'M', version: 2 },
    ],
  },
  {
    name: 'required and optional keys',
    schema: {
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: 'integer' },
        c: { type: 'number' },
        d: { type: 'null' },
      },
      required: ['b'],
      additionalProperties: false,
    },
    documents: [{ b: 1 }, { a: 'x', b: 2, c: 0.5, d: null }, { b: 3, d: null }],
  },
  {
    name: 'strings with escapes',
    schema: {
      type: 'object',
      properties: { quote: { type: 'string' }, path: { type: 'string', minLength: 2 } },
      required: ['quote', 'path'],
      additionalProperties: false,
    },
    documents: [{ quote: 'She said "hi"\n\tthen left\u0001 é 🦙', path: 'C:\\temp\\x' }],
  },
  {
    name: 'refs, optional values and a dict',
    schema: {
      type: 'object',
      properties: {
        owner: { $ref: '#/$defs/Person' },
        pets: { type: 'array', items: { $ref: '#/$defs/Pet' } },
        counts: { type: 'object', additionalProperties: { type: 'integer' } },
      },
      required: ['owner', 'pets', 'counts'],
      additionalProperties: false,
      $defs: {
        Person: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            nickname: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          },
          required: ['name', 'nickname'],
          additionalProperties: false,
        },
        Pet: {
          type: 'object',
          properties: { kind: { enum: ['cat', 'dog'] }, age: { type: ['integer', 'null'] } },
          required: ['kind', 'age'],
          additionalProperties: false,
        },
      },
    },
    documents: [
      { owner: { name: 'Lily', nickname: null }, pets: [{ kind: 'cat', age: 3 }], counts: { toys: 2 } },
      { owner: { name: 'Tom', nickname: 'T' }, pets: [], counts: {} },
    ],
  },
  {
    name: 'a top-level array',
    schema: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 4 },
    documents: [
      [1, 2],
      [0, -5, 10, 3],
    ],
  },
  {
    name: 'any JSON object (json_object)',
    schema: { type: 'object' },
    documents: [{}, { a: [1, { b: null }], c: 'd' }],
  },
];
