import { describe, expect, it } from 'vitest';
import { t } from '../signature/field-type-builders.js';
import { Signature } from '../signature/signature.js';
import { outputJsonSchema } from './output-json-schema.js';

describe('outputJsonSchema', () => {
  it('describes every output field, hoisting enum definitions', () => {
    const signature = Signature.from({
      inputs: { q: 'str' },
      outputs: {
        answer: 'str',
        n: 'int',
        levels: { type: t.list(t.enum({ LOW: 'low', HIGH: 'high' }, 'Level')) },
        pick: "Literal['a']",
      },
    });
    expect(outputJsonSchema(signature)).toEqual({
      type: 'object',
      properties: {
        answer: { type: 'string' },
        n: { type: 'integer' },
        levels: { type: 'array', items: { $ref: '#/$defs/Level' } },
        pick: { type: 'string', const: 'a' },
      },
      required: ['answer', 'n', 'levels', 'pick'],
      additionalProperties: false,
      $defs: { Level: { type: 'string', enum: ['low', 'high'], title: 'Level' } },
    });
  });
});
