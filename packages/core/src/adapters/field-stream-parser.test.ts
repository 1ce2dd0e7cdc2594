import { describe, expect, it } from 'vitest';
import { type FieldDelta, FieldStreamParser, streamFields } from './field-stream-parser.js';

const fields = ['reasoning', 'answer'];

function joined(deltas: FieldDelta[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, delta } of deltas) out[field] = (out[field] ?? '') + delta;
  return out;
}

function parseInChunks(text: string, cuts: number[]): { deltas: FieldDelta[]; done: boolean } {
  const parser = new FieldStreamParser(fields);
  const deltas: FieldDelta[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    deltas.push(...parser.push(text.slice(start, cut)));
    start = cut;
  }
  deltas.push(...parser.finish());
  return { deltas, done: parser.done };
}

const response =
  '<think>maybe [[ ## answer ## ]] is 3</think>\n[[ ## reasoning ## ]]\nTwo plus two, [so] four.  \n\n[[ ## answer ## ]]\n4 «ok» [[ ## note ## ]] x\n\n[[ ## completed ## ]]\nignored [[ ## answer ## ]] 5';
const expected = { reasoning: 'Two plus two, [so] four.', answer: '4 «ok» [[ ## note ## ]] x' };

describe('FieldStreamParser', () => {
  it('parses a whole response in one chunk', () => {
    const { deltas, done } = parseInChunks(response, []);
    expect(joined(deltas)).toEqual(expected);
    expect(done).toBe(true);
  });

  it('gives the same fields for every single split point', () => {
    for (let cut = 0; cut <= response.length; cut++) {
      expect(joined(parseInChunks(response, [cut]).deltas), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('gives the same fields for every pair of split points', () => {
    const text = '[[ ## reasoning ## ]]\nr\n[[ ## answer ## ]] a b\n[[ ## completed ## ]]';
    for (let first = 0; first <= text.length; first++) {
      for (let second = first; second <= text.length; second++) {
        expect(joined(parseInChunks(text, [first, second]).deltas)).toEqual({
          reasoning: 'r',
          answer: 'a b',
        });
      }
    }
  });

  it('gives the same fields one character at a time, never emitting marker text', () => {
    const cuts = Array.from({ length: response.length }, (_, index) => index);
    const { deltas } = parseInChunks(response, cuts);
    expect(joined(deltas)).toEqual(expected);
    expect(deltas.every((delta) => !delta.delta.includes('[[ ## reasoning') && delta.delta !== '')).toBe(
      true,
    );
  });

  it('emits text before the stream ends (holds back only a possible marker)', () => {
    const parser = new FieldStreamParser(fields);
    expect(parser.push('[[ ## answer ## ]]\nPar')).toEqual([{ field: 'answer', delta: 'Par' }]);
    expect(parser.push('is [[ ## ans')).toEqual([{ field: 'answer', delta: 'is' }]);
    expect(parser.push('wer_not.')).toEqual([{ field: 'answer', delta: ' [[ ## answer_not.' }]);
  });

  it('treats an unfinished marker at the end as text', () => {
    const { deltas } = parseInChunks('[[ ## answer ## ]]\n42 [[ ## compl', []);
    expect(joined(deltas)).toEqual({ answer: '42 [[ ## compl' });
  });

  it('keeps the first section of a repeated field, drops unknown sections at line start', () => {
    const text = '[[ ## answer ## ]]\nfirst\n[[ ## extra ## ]]\ndropped\n[[ ## answer ## ]]\nsecond';
    expect(joined(parseInChunks(text, []).deltas)).toEqual({ answer: 'first' });
  });

  it('finds markers that do not start a line', () => {
    const text = 'Sure! [[ ## reasoning ## ]] because [[ ## answer ## ]] yes [[ ## completed ## ]]';
    expect(joined(parseInChunks(text, []).deltas)).toEqual({ reasoning: 'because', answer: 'yes' });
  });

  it('yields nothing for text without markers, and an unclosed think block', () => {
    expect(parseInChunks('just an answer', [3]).deltas).toEqual([]);
    expect(parseInChunks('<think>[[ ## answer ## ]] 1', [9]).deltas).toEqual([]);
  });

  it('streams from an async iterable', async () => {
    async function* chunks() {
      yield '[[ ## answer';
      yield ' ## ]]\nhi';
    }
    const deltas: FieldDelta[] = [];
    for await (const delta of streamFields(chunks(), ['answer'])) deltas.push(delta);
    expect(deltas).toEqual([{ field: 'answer', delta: 'hi' }]);
  });
});
