import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SSEDecoder } from './sse-decoder.js';

function decodeAll(chunks: string[]) {
  const decoder = new SSEDecoder();
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

describe('SSEDecoder', () => {
  it('decodes events, joins multi-line data, skips comments and unknown fields', () => {
    const text =
      ': keep-alive\ndata: {"a":1}\n\nevent: error\ndata: line1\ndata:line2\nbogus line\n\ndata: [DONE]\n\n';
    expect(decodeAll([text])).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'error', data: 'line1\nline2' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('gives the same events however the text is split, with any line ending', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '{', '"', ' ', ':') }), { maxLength: 5 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (payloads, newline, cuts) => {
          const text = payloads.map((payload) => `data: ${payload}${newline}${newline}`).join('');
          const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const point of points) {
            chunks.push(text.slice(from, point));
            from = point;
          }
          chunks.push(text.slice(from));
          expect(decodeAll(chunks).map((e) => e.data)).toEqual(payloads);
        },
      ),
    );
  });

  it('delivers a final event that lacks its blank line', () => {
    expect(decodeAll(['data: tail'])).toEqual([{ event: 'message', data: 'tail' }]);
    expect(decodeAll(['event: x\n'])).toEqual([]);
  });
});
