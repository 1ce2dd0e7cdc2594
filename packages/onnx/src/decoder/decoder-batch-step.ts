import { createOrtTensor, type OrtSession, type OrtTensor, type OrtTensorData } from '../ort/ort-session.js';
import type { DecoderIO } from './decoder-io.js';
import { integers, type KVState, logitRows, type StepResult } from './decoder-step.js';
import { stackPast } from './stack-past.js';

/**
 * One decode step (one new token each) for several sequences in one session call. Their caches are stacked
 * along the batch axis, padded to the longest as the graph wants (`io.padding`): left, with the mask hiding
 * the padding and position ids counting each sequence's own tokens; or right, where GroupQueryAttention
 * takes each row's length from seqlens_k. The presents come back as per-sequence views whose `start` and
 * `length` mark the sequence's own steps, so no padding reaches a later step.
 */
export async function decoderBatchStep(
  session: OrtSession,
  io: DecoderIO,
  states: readonly KVState[],
  tokens: readonly number[],
): Promise<StepResult[]> {
  const batch = states.length;
  const lengths = states.map((state) => state.length);
  const longest = Math.max(...lengths);
  const total = longest + 1;
  const offsets = lengths.map((length) => (io.padding === 'left' ? longest - length : 0));
  const feeds: Record<string, OrtTensor> = {};
  feeds[io.inputIds.name] = integers(io.inputIds.type, batch, (i) => tokens[i]!, [batch, 1]);
  if (io.attentionMask) {
    // row b attends to steps [offsets[b], offsets[b] + lengths[b]] (its cache, then the new token)
    feeds[io.attentionMask.name] = integers(
      io.attentionMask.type,
      batch * total,
      (i) => {
        const [row, step] = [Math.floor(i / total), i % total];
        if (io.padding === 'left') return step >= offsets[row]! ? 1 : 0;
        return step <= lengths[row]! ? 1 : 0;
      },
      [batch, total],
    );
  }
  if (io.positionIds)
    feeds[io.positionIds.name] = integers(io.positionIds.type, batch, (i) => lengths[i]!, [batch, 1]);
  if (io.numLogitsToKeep) feeds[io.numLogitsToKeep.name] = integers(io.numLogitsToKeep.type, 1, () => 1, []);
  if (io.seqlensK) feeds[io.seqlensK] = createOrtTensor('int32', Int32Array.from(lengths), [batch]);
  if (io.totalSequenceLength)
    feeds[io.totalSequenceLength] = createOrtTensor('int32', Int32Array.of(total), []);
  io.slots.forEach((slot, s) => {
    const parts = states.map((state) => ({
      tensor: state.tensors[s]!,
      start: state.start,
      length: state.length,
    }));
    feeds[slot.input] = stackPast(parts, slot.timeAxis, longest, offsets);
  });
  const outputs = await session.run(feeds);
  const presents = io.slots.map((slot) => split(outputs[slot.output]!, slot.timeAxis - 2, batch));
  const logits = split(outputs[io.logits]!, 0, batch);
  return states.map((_, i) => ({
    logits: logitRows(logits[i]!, 'last'),
    state: { start: offsets[i]!, length: lengths[i]! + 1, tensors: presents.map((parts) => parts[i]!) },
  }));
}

/** Splits along `batchAxis` into batch-1 tensors: views when the batch is the outermost axis, else copies. */
function split(tensor: OrtTensor, batchAxis: number, batch: number): OrtTensor[] {
  const outer = tensor.dims.slice(0, batchAxis).reduce((a, b) => a * b, 1);
  const inner = tensor.data.length / outer / batch;
  const dims = [...tensor.dims];
  dims[batchAxis] = 1;
  return Array.from({ length: batch }, (_, i) => {
    let data: OrtTensorData;
    if (outer === 1) data = tensor.data.subarray(i * inner, (i + 1) * inner);
    else {
      const Constructor = tensor.data.constructor as new (n: number) => OrtTensorData;
      data = new Constructor(outer * inner);
      for (let o = 0; o < outer; o++) {
        const from = (o * batch + i) * inner;
        data.set(tensor.data.subarray(from, from + inner) as never, o * inner);
      }
    }
    return createOrtTensor(tensor.type, data, dims);
  });
}
