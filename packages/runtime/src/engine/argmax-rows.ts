import { argmax } from '../sampling/argmax.js';
import { greedyPick } from '../sampling/greedy-pick.js';
import type { Engine, ForwardRequest, TokenAllowance } from './engine.js';
import { requestLogitsRows } from './logits-row-count.js';

/**
 * The argmax of each `vocabSize`-wide row of `logits`, in order. With `allowed` (a token bitset for
 * every row, or one per row, see ForwardRequest.allowed): the first largest allowed logit, -1 where
 * the row's mask allows none. RangeError when the per-row masks are not one per row.
 */
export function argmaxRows(logits: Float32Array, vocabSize: number, allowed?: TokenAllowance): Int32Array {
  const rows = vocabSize === 0 ? 0 : logits.length / vocabSize;
  if (allowed !== undefined && !(allowed instanceof Uint32Array) && allowed.length !== rows)
    throw new RangeError(`${allowed.length} row masks for ${rows} logits rows`);
  const ids = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const values = logits.subarray(row * vocabSize, (row + 1) * vocabSize);
    const mask = allowed instanceof Uint32Array ? allowed : allowed?.[row];
    ids[row] = mask === undefined ? argmax(values) : maskedArgmax(values, mask, vocabSize);
  }
  return ids;
}

/**
 * Throws a RangeError unless each request whose `allowed` is an array of row masks has one per
 * logits row ('last': one, 'all': one per token; none for no tokens).
 */
export function checkAllowedRows(batch: readonly ForwardRequest[]): void {
  batch.forEach((request, index) => {
    const { allowed } = request;
    if (allowed === undefined || allowed instanceof Uint32Array) return;
    const rows = requestLogitsRows(request);
    if (allowed.length !== rows)
      throw new RangeError(
        `batch[${index}].allowed holds ${allowed.length} row masks for ${rows} logits rows`,
      );
  });
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
  checkAllowedRows(batch);
  const logits = await engine.forward(batch, signal);
  return logits.map((rows, i) => argmaxRows(rows, engine.info.vocabSize, batch[i]!.allowed));
}

/** The first largest logit `mask` allows, -1 when it allows none. */
function maskedArgmax(values: Float32Array, mask: Uint32Array, vocabSize: number): number {
  return allowsAny(mask, vocabSize) ? greedyPick(values, mask, undefined) : -1;
}

/** True when `mask` allows a token below `n` (bits past it do not count). */
function allowsAny(mask: Uint32Array, n: number): boolean {
  const full = n >>> 5;
  for (let word = 0; word < full && word < mask.length; word++) if (mask[word] !== 0) return true;
  const tail = n & 31;
  return tail !== 0 && full < mask.length && (mask[full]! & ((1 << tail) - 1)) !== 0;
}
