import { createOrtTensor, type OrtSession, type OrtTensor, type OrtTensorData } from '../ort/ort-session.js';
import type { DecoderIO } from './decoder-io.js';
import { integers, type KVState, logitRows, pastTensor, type StepResult } from './decoder-step.js';

/**
 * One decode step for several sequences that hold the same number of tokens, in one session call: their
 * caches are stacked along the batch axis (one copy), and the presents come back as per-sequence views.
 */
export async function decoderBatchStep(
  session: OrtSession,
  io: DecoderIO,
  states: readonly KVState[],
  tokens: readonly number[],
): Promise<StepResult[]> {
  const batch = states.length;
  const past = states[0]!.length;
  const total = past + 1;
  const feeds: Record<string, OrtTensor> = {};
  feeds[io.inputIds.name] = integers(io.inputIds.type, batch, (i) => tokens[i]!, [batch, 1]);
  if (io.attentionMask)
    feeds[io.attentionMask.name] = integers(io.attentionMask.type, batch * total, () => 1, [batch, total]);
  if (io.positionIds)
    feeds[io.positionIds.name] = integers(io.positionIds.type, batch, () => past, [batch, 1]);
  if (io.numLogitsToKeep) feeds[io.numLogitsToKeep.name] = integers(io.numLogitsToKeep.type, 1, () => 1, []);
  if (io.seqlensK)
    feeds[io.seqlensK] = createOrtTensor('int32', new Int32Array(batch).fill(total - 1), [batch]);
  if (io.totalSequenceLength)
    feeds[io.totalSequenceLength] = createOrtTensor('int32', Int32Array.of(total), []);
  io.slots.forEach((slot, s) => {
    const parts = states.map((state) => pastTensor(state.tensors[s]!, slot.timeAxis, past));
    feeds[slot.input] = stack(parts, slot.timeAxis - 2);
  });
  const outputs = await session.run(feeds);
  const presents = io.slots.map((slot) => split(outputs[slot.output]!, slot.timeAxis - 2, batch));
  const logits = split(outputs[io.logits]!, 0, batch);
  return states.map((_, i) => ({
    logits: logitRows(logits[i]!, 'last'),
    state: { length: total, tensors: presents.map((parts) => parts[i]!) },
  }));
}

/** Concatenates batch-1 tensors along `batchAxis`. */
function stack(parts: readonly OrtTensor[], batchAxis: number): OrtTensor {
  const first = parts[0]!;
  const outer = first.dims.slice(0, batchAxis).reduce((a, b) => a * b, 1);
  const inner = first.data.length / outer;
  const Constructor = first.data.constructor as new (n: number) => OrtTensorData;
  const data = new Constructor(first.data.length * parts.length);
  for (let o = 0; o < outer; o++) {
    parts.forEach((part, i) => {
      data.set(part.data.subarray(o * inner, (o + 1) * inner) as never, (o * parts.length + i) * inner);
    });
  }
  const dims = [...first.dims];
  dims[batchAxis] = parts.length;
  return createOrtTensor(first.type, data, dims);
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
