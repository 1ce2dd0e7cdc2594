import { ScriptedLM } from '@x/core/testing';
import { describe, expect, it } from 'vitest';
import { TapLM } from './tap-lm.js';

describe('TapLM', () => {
  it('shows streamed deltas and every result, and keeps the last one', async () => {
    const deltas: string[] = [];
    const results: Array<[string, boolean]> = [];
    const tap = new TapLM(new ScriptedLM({ responses: ['streamed text', 'whole'], chunkSize: 4 }), {
      onDelta: (delta) => deltas.push(delta),
      onResult: (result, streamed) => results.push([result.text, streamed]),
    });
    const stream = tap.streamComplete('x');
    for await (const _ of stream);
    await stream.result;
    await tap.generate([{ role: 'user', content: 'y' }]);
    expect(deltas.join('')).toBe('streamed text');
    expect(results).toEqual([
      ['streamed text', true],
      ['whole', false],
    ]);
    expect(tap.lastResult?.text).toBe('whole');
  });
});
