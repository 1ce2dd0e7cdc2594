import { type Candidates, ranksBefore } from './candidates.js';

/**
 * The k best candidates, sorted (highest logit first, ties by lower id). Partial selection with a
 * size-k min-heap: O(n log k), so top-40 of a 150k vocabulary never sorts the whole row.
 */
export function selectTopK(candidates: Candidates, k: number): Candidates {
  const n = candidates.length;
  const size = Math.max(1, Math.min(k, n));
  if (candidates.sorted) return { ...candidates, length: size };
  const { ids, logits } = candidates;
  // heap[0] is the worst of the kept entries; heap holds indices into ids/logits.
  const heap = new Int32Array(size);
  let count = 0;
  const worse = (a: number, b: number) => ranksBefore(logits[b]!, ids[b]!, logits[a]!, ids[a]!);
  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= count) return;
      const right = left + 1;
      let worst = left;
      if (right < count && worse(heap[right]!, heap[left]!)) worst = right;
      if (!worse(heap[worst]!, heap[i]!)) return;
      const swap = heap[i]!;
      heap[i] = heap[worst]!;
      heap[worst] = swap;
      i = worst;
    }
  };
  for (let index = 0; index < n; index++) {
    if (count < size) {
      let i = count++;
      heap[i] = index;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        const swap = heap[i]!;
        heap[i] = heap[parent]!;
        heap[parent] = swap;
        i = parent;
      }
    } else if (logits[index]! >= logits[heap[0]!]! && worse(heap[0]!, index)) {
      heap[0] = index;
      siftDown(0);
    }
  }
  const order = Array.from(heap).sort((a, b) =>
    ranksBefore(logits[a]!, ids[a]!, logits[b]!, ids[b]!) ? -1 : 1,
  );
  const outIds = new Int32Array(size);
  const outLogits = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    outIds[i] = ids[order[i]!]!;
    outLogits[i] = logits[order[i]!]!;
  }
  return { ids: outIds, logits: outLogits, length: size, sorted: true };
}
