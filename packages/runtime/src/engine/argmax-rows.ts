import { argmax } from '../sampling/argmax.js';
import type { Engine, ForwardRequest } from './engine.js';

/** The argmax of each `vocabSize`-wide row of `logits`, in order. */
export function argmaxRows(logits: Float32Array, vocabSize: number): Int32Array {
  const rows = vocabSize === 0 ? 0 : logits.length / vocabSize;
  const ids = new Int32Array(rows);
  for (let row = 0; row < rows; row++)
    ids[row] = argmax(logits.subarray(row * vocabSize, (row + 1) * vocabSize));
  return ids;
}

/** `Engine.forwardArgmax` for an engine whose logits are computed in JS anyway: its forward, then argmax. */
export async function forwardArgmaxViaLogits(
  engine: Engine,
  batch: ForwardRequest[],
  signal?: AbortSignal,
): Promise<Int32Array[]> {
  const logits = await engine.forward(batch, signal);
  return logits.map((rows) => argmaxRows(rows, engine.info.vocabSize));
}
