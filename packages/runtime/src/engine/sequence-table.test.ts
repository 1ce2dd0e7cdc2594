import { ContextLengthError, LMError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { SequenceTable } from './sequence-table.js';

interface State {
  length: number;
  tag: string;
}

function table(isOpen: () => boolean = () => true): SequenceTable<State> {
  return new SequenceTable<State>(() => {
    if (!isOpen()) throw new LMError('disposed');
  });
}

const prefix = (state: State, nTokens: number): State => ({ length: nTokens, tag: state.tag });

describe('SequenceTable', () => {
  it('hands out distinct ids and looks states up', () => {
    const sequences = table();
    const a = sequences.create(() => ({ length: 0, tag: 'a' }));
    const b = sequences.create(() => ({ length: 3, tag: 'b' }));
    expect(a).not.toBe(b);
    expect(sequences.get(b)).toEqual({ length: 3, tag: 'b' });
    sequences.release(a);
    expect(() => sequences.get(a)).toThrow(RangeError);
    expect(sequences.find(a)).toBeUndefined();
  });

  it('forks a checked prefix under a new id', () => {
    const sequences = table();
    const a = sequences.create(() => ({ length: 4, tag: 'a' }));
    const all = sequences.fork(a, undefined, prefix);
    const two = sequences.fork(a, 2, prefix);
    expect(sequences.get(all).length).toBe(4);
    expect(sequences.get(two)).toEqual({ length: 2, tag: 'a' });
    expect(() => sequences.fork(a, 5, prefix)).toThrow(/cannot fork 5 tokens/);
    expect(() => sequences.fork(a, 1.5, prefix)).toThrow(RangeError);
  });

  it('truncates only when shorter, and rejects bad lengths', () => {
    const sequences = table();
    const a = sequences.create(() => ({ length: 4, tag: 'a' }));
    sequences.truncate(a, 9, prefix);
    expect(sequences.get(a).length).toBe(4);
    sequences.truncate(a, 1, prefix);
    expect(sequences.get(a).length).toBe(1);
    expect(() => sequences.truncate(a, -1, prefix)).toThrow(/cannot truncate to -1/);
  });

  it('checks a batch against vocabulary, context and planned lengths', () => {
    const sequences = table();
    const a = sequences.create(() => ({ length: 6, tag: 'a' }));
    const info = { vocabSize: 10, contextLength: 8 };
    const tokens = (...ids: number[]) => Int32Array.from(ids);
    expect(() =>
      sequences.checkBatch([{ seq: a, tokens: tokens(1, 2), logitsFor: 'last' }], info),
    ).not.toThrow();
    expect(() => sequences.checkBatch([{ seq: a, tokens: tokens(10), logitsFor: 'last' }], info)).toThrow(
      /outside the vocabulary/,
    );
    expect(() => sequences.checkBatch([{ seq: a, tokens: tokens(), logitsFor: 'last' }], info)).toThrow(
      /need at least one token/,
    );
    const twice = { seq: a, tokens: tokens(1, 2), logitsFor: 'all' as const };
    expect(() => sequences.checkBatch([twice, twice], info)).toThrow(ContextLengthError);
    expect(() => sequences.checkBatch([{ seq: 99, tokens: tokens(1), logitsFor: 'last' }], info)).toThrow(
      /unknown sequence 99/,
    );
  });

  it('fails every lookup once closed', () => {
    let open = true;
    const sequences = table(() => open);
    const a = sequences.create(() => ({ length: 0, tag: 'a' }));
    open = false;
    expect(() => sequences.get(a)).toThrow(LMError);
    expect(() => sequences.create(() => ({ length: 0, tag: 'b' }))).toThrow(LMError);
    expect(() => sequences.checkBatch([], { vocabSize: 1, contextLength: 1 })).toThrow(LMError);
  });
});
