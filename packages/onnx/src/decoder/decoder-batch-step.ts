import { createOrtTensor, type OrtSession, type OrtTensor, type OrtTensorData } from '../ort/ort-session.js';
import type { DecoderIO } from './decoder-io.js';
import { integers, type KVState, logitRows, type StepResult } from './decoder-step.js';
import { stackPast } from './stack-past.js';

/**
 * One decode step (one new token each) for several sequences in one session call. Their caches are stacked
 * along the batch axis, padded to the longest as the graph wants (`io.padding`): left, with the mask hiding
 * the padding and position ids counting each sequence's own tokens; or right, where GroupQueryAttention
 * takes each row's length from seqlens_k. The presents come back as per-sequence views whose `start` and
 * `length` mark the sequence's own steps, so no padding reaches a later step. The same rows stepping again
 * (decoding in lockstep) take the last presents as their past as they are, with no copy.
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
  const order = reusableOrder(states, longest, offsets);
  if (order?.some((row, i) => row !== i)) {
    // the rows of the last step, in another order: run them in that order
    const results = await decoderBatchStep(
      session,
      io,
      order.map((i) => states[i]!),
      order.map((i) => tokens[i]!),
    );
    const back: StepResult[] = new Array(batch);
    order.forEach((i, k) => {
      back[i] = results[k]!;
    });
    return back;
  }
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
    if (order !== undefined) {
      feeds[slot.input] = states[0]!.batch!.presents[s]!;
      return;
    }
    const parts = states.map((state) => ({
      tensor: state.tensors[s]!,
      start: state.start,
      length: state.length,
    }));
    feeds[slot.input] = stackPast(parts, slot.timeAxis, longest, offsets);
  });
  const outputs = await session.run(feeds);
  const whole = io.slots.map((slot) => outputs[slot.output]!);
  const presents = io.slots.map((slot, s) => split(whole[s]!, slot.timeAxis - 2, batch));
  const logits = split(outputs[io.logits]!, 0, batch);
  return states.map((_, i) => ({
    logits: logitRows(logits[i]!, 'last'),
    state: {
      start: offsets[i]!,
      length: lengths[i]! + 1,
      tensors: presents.map((parts) => parts[i]!),
      batch: { presents: whole, row: i, rows: batch },
    },
  }));
}

/**
 * When the states are exactly the rows of one earlier batched step (no row twice, each starting where this
 * step's padding puts it), that step's presents are this step's past as they are: returns the order of the
 * rows there. Left padding then leaves zeros the mask hides before each row; right padding may leave steps
 * a row was truncated past after it, which GroupQueryAttention does not read. Undefined: stack anew.
 */
function reusableOrder(
  states: readonly KVState[],
  longest: number,
  offsets: readonly number[],
): number[] | undefined {
  const origin = states[0]!.batch;
  if (origin === undefined || origin.rows !== states.length) return undefined;
  const dims = origin.presents[0]!.dims;
  if (dims[dims.length - 2] !== longest) return undefined;
  const order: number[] = new Array(states.length);
  for (const [i, { batch, start }] of states.entries()) {
    if (batch?.presents !== origin.presents || order[batch.row] !== undefined) return undefined;
    if (start !== offsets[i]) return undefined;
    order[batch.row] = i;
  }
  return order;
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
