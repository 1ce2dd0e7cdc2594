import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedJson, sortedJsonByReplacer } from './sorted-json.js';

const same = (value: unknown): void => {
  expect(sortedJson(value)).toBe(sortedJsonByReplacer(value));
};

describe('sortedJson', () => {
  it('writes the same text as its replacer twin for any JSON-like value (property)', () => {
    const values = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme' }),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.constant(() => 1),
        fc.array(tie('value')),
        fc.dictionary(fc.oneof(fc.string(), fc.nat().map(String)), tie('value'), { noNullPrototype: false }),
      ),
    })).value;
    fc.assert(fc.property(values, same), { numRuns: 2000 });
  });

  it('writes what the replacer twin writes for the edge cases', () => {
    const edges: unknown[] = [
      'lone \ud800 high, lone \udc00 low, pair \ud83d\ude42',
      'controls \u0000\u0001\u001f\u007f \b\f\n\r\t "quoted" \\ \u2028\u2029',
      { ünï: 1, 字: 2, '🙂': 3, Z: 4, a: 5, '': 6 },
      [-0, 0, Number.NaN, Number.POSITIVE_INFINITY, -1e-7, 1e21, 5e-324, 0.1 + 0.2],
      [[[], [[1, [2]]]], {}],
      [undefined, () => 1, Symbol('s'), new Array(2), 1],
      { a: undefined, b: () => 1, c: Symbol('s'), d: null },
      { '10': 'a', '9': 'b', '4294967294': 'c', '4294967295': 'd', '01': 'e', '-1': 'f', '1.5': 'g', b: 'h' },
      { nested: { toJSON: (key: string) => `key ${key}` }, list: [{ toJSON: (key: string) => ({ key }) }] },
      { when: new Date(0), boxed: [new String('ab'), new Number(1), new Boolean(false)] },
      { map: new Map([['a', 1]]), set: new Set([1]), bytes: new Uint8Array([1, 2]) },
      Object.assign(Object.create(null), { b: 1, a: 2 }),
      JSON.parse('{"__proto__": {"x": 1}, "a": 1}'),
      new (class Point {
        y = 2;
        x = 1;
      })(),
      'plain',
      7,
      null,
      undefined,
    ];
    for (const value of edges) same(value);
  });

  it('throws where JSON.stringify throws', () => {
    expect(() => sortedJson({ big: 1n })).toThrow(TypeError);
    expect(() => sortedJsonByReplacer({ big: 1n })).toThrow(TypeError);
  });

  it('writes an LM request as DSPy keys it', () => {
    const request = {
      model: 'm',
      kind: 'chat',
      messages: [{ role: 'user', content: 'x' }],
      logitBias: { '13': -100, '2': 1 },
      logprobs: { top: 0, onToken: () => {} },
      seed: undefined,
    };
    expect(sortedJson(request)).toBe(
      '{"kind":"chat","logitBias":{"2":1,"13":-100},"logprobs":{"top":0},"messages":[{"content":"x","role":"user"}],"model":"m"}',
    );
  });
});
