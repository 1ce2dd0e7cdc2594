import { argmax, type Engine } from '@x/runtime';
import { relativeL2 } from '@x/runtime/testing';

/** Relative L2 of an engine's logits against the reference engine's on the same model. */
export interface ReferenceErrors {
  /** The worst row of a prefill of the prompt (one row per token). */
  prefill: number;
  /** The worst of the greedy decode steps after it (the reference's picks fed to both engines). */
  decode: number;
}

/** Prefills `prompt` on both engines, then decodes `decodeSteps` tokens, and reports the worst rows. */
export async function referenceErrors(
  engine: Engine,
  reference: Engine,
  prompt: Int32Array,
  decodeSteps: number,
): Promise<ReferenceErrors> {
  const vocab = reference.info.vocabSize;
  const a = engine.createSequence();
  const b = reference.createSequence();
  try {
    const [rows] = await engine.forward([{ seq: a, tokens: prompt, logitsFor: 'all' }]);
    const [referenceRows] = await reference.forward([{ seq: b, tokens: prompt, logitsFor: 'all' }]);
    if (rows!.length !== prompt.length * vocab) {
      throw new RangeError(`expected ${prompt.length} rows of ${vocab} logits, got ${rows!.length} values`);
    }
    let prefill = 0;
    for (let row = 0; row < prompt.length; row++) {
      const slice = (all: Float32Array) => all.subarray(row * vocab, (row + 1) * vocab);
      prefill = Math.max(prefill, relativeL2(slice(rows!), slice(referenceRows!)));
    }
    let decode = 0;
    let next = argmax(referenceRows!.subarray((prompt.length - 1) * vocab));
    for (let step = 0; step < decodeSteps; step++) {
      const token = Int32Array.of(next);
      const [logits] = await engine.forward([{ seq: a, tokens: token, logitsFor: 'last' }]);
      const [referenceLogits] = await reference.forward([{ seq: b, tokens: token, logitsFor: 'last' }]);
      decode = Math.max(decode, relativeL2(logits!, referenceLogits!));
      next = argmax(referenceLogits!);
    }
    return { prefill, decode };
  } finally {
    engine.release(a);
    reference.release(b);
  }
}
