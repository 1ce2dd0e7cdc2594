import path from 'node:path';
import { relativeL2, sharedModelsDir } from '@x/runtime/testing';
import { describe, expect, it } from 'vitest';
import { type OrtSession, type OrtTensor, openOrtSession } from '../ort/ort-session.js';
import { decoderBatchStep } from './decoder-batch-step.js';
import { describeDecoderIO } from './decoder-io.js';
import { decoderStep, emptyKVState } from './decoder-step.js';

/** The session, keeping the feeds and outputs of every call. */
function recording(session: OrtSession) {
  const calls: Array<{ feeds: Record<string, OrtTensor>; outputs: Record<string, OrtTensor> }> = [];
  const wrapped: OrtSession = {
    ...session,
    run: async (feeds) => {
      const outputs = await session.run(feeds);
      calls.push({ feeds, outputs });
      return outputs;
    },
  };
  return { session: wrapped, calls };
}

describe('decoderBatchStep', () => {
  it('feeds the last presents back as they are when the same rows step again, in any order', async () => {
    const file = path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32', 'past.onnx');
    const opened = await openOrtSession(file, { threads: 1 });
    try {
      const io = describeDecoderIO(opened.inputs, opened.outputs, file, new Set());
      expect(io.padding).toBe('left');
      const { session, calls } = recording(opened);
      const prompts = [Int32Array.of(5, 9, 14), Int32Array.of(7, 3, 8, 21, 30, 2)];
      const states = await Promise.all(
        prompts.map(async (ids) => (await decoderStep(session, io, emptyKVState(io), ids, 'last')).state),
      );
      const first = await decoderBatchStep(session, io, states, [11, 12]);
      const input = io.slots[0]!.input;
      const output = io.slots[0]!.output;
      // reversed rows: the same tensors, the results back in the order asked
      const second = await decoderBatchStep(session, io, [first[1]!.state, first[0]!.state], [13, 14]);
      expect(calls.at(-1)!.feeds[input]).toBe(calls.at(-2)!.outputs[output]);
      const stacked = await decoderBatchStep(
        session,
        io,
        [
          { ...first[1]!.state, batch: undefined },
          { ...first[0]!.state, batch: undefined },
        ],
        [13, 14],
      );
      expect(calls.at(-1)!.feeds[input]).not.toBe(calls.at(-3)!.outputs[output]);
      for (const [i, result] of second.entries()) {
        expect(relativeL2(result.logits, stacked[i]!.logits)).toBeLessThan(1e-6);
        expect(result.state.length).toBe(prompts[1 - i]!.length + 2);
      }
      // a truncated row must be stacked anew
      const truncated = { ...second[0]!.state, length: second[0]!.state.length - 1 };
      await decoderBatchStep(session, io, [truncated, second[1]!.state], [1, 1]);
      expect(calls.at(-1)!.feeds[input]).not.toBe(calls.at(-3)!.outputs[output]);
    } finally {
      await opened.dispose();
    }
  });
});
