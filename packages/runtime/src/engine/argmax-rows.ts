import { argmax } from '../sampling/argmax.js';
import { greedyPick } from '../sampling/greedy-pick.js';
import type { Engine, ForwardRequest } from './engine.js';

/**
 * The argmax of each `vocabSize`-wide row of `logits`, in order. With `allowed` (a token bitset for
 * every row, see ForwardRequest.allowed): the first largest allowed logit, -1 when it allows none.
 */
export function argmaxRows(logits: Float32Array, vocabSize: number, allowed?: Uint32Array): Int32Array {
  const rows = vocabSize === 0 ? 0 : logits.length / vocabSize;
  const ids = new Int32Array(rows);
  const none = allowed !== undefined && !allowsAny(allowed, vocabSize);
  for (let row = 0; row < rows; row++) {
    const values = logits.subarray(row * vocabSize, (row + 1) * vocabSize);
    ids[row] = allowed === undefined ? argmax(values) : none ? -1 : greedyPick(values, allowed, undefined);
  }
  return ids;
}

/**
 * `Engine.forwardArgmax` for an engine whose logits are computed in JS anyway: its forward, then the
 * argmax of each row within its request's `allowed` tokens.
 */
export async function forwardArgmaxViaLogits(
  engine: Engine,
  batch: ForwardRequest[],
  signal?: AbortSignal,
): Promise<Int32Array[]> {
  const logits = await engine.forward(batch, signal);
  return logits.map((rows, i) => argmaxRows(rows, engine.info.vocabSize, batch[i]!.allowed));
}

/** True when `mask` allows a token below `n` (bits past it do not count). */
function allowsAny(mask: Uint32Array, n: number): boolean {
  const full = n >>> 5;
  for (let word = 0; word < full && word < mask.length; word++) if (mask[word] !== 0) return true;
  const tail = n & 31;
  return tail !== 0 && full < mask.length && (mask[full]! & ((1 << tail) - 1)) !== 0;
}
