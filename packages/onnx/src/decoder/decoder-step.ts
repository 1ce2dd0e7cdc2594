import { halfToFloat } from '@x/runtime';
import { createOrtTensor, type OrtElementType, type OrtSession, type OrtTensor } from '../ort/ort-session.js';
import type { DecoderIO } from './decoder-io.js';
import { sliceTime } from './slice-time.js';

/**
 * A sequence's cache: one tensor per KV slot, of which time steps [start, start + length) count (a row of a
 * left-padded decode batch starts after its padding; a truncated cache keeps steps past its length).
 */
export interface KVState {
  start: number;
  length: number;
  tensors: readonly OrtTensor[];
  /** The whole presents of the batched step that made this cache, and its row there (see decoderBatchStep). */
  batch?: { presents: readonly OrtTensor[]; row: number; rows: number };
}

export interface StepResult {
  /** rows × width, f32. */
  logits: Float32Array;
  state: KVState;
}

/** The cache of a sequence that holds nothing yet. */
export function emptyKVState(io: DecoderIO): KVState {
  const tensors = io.slots.map((slot) =>
    createOrtTensor(
      io.kvType,
      io.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0),
      slot.emptyDims,
    ),
  );
  return { start: 0, length: 0, tensors };
}

/**
 * Runs `tokens` after the cached ones. The present outputs come back as the next state's tensors as they
 * are (no copy); a cache holding other steps too (after truncate, fork or a padded batch) is sliced first.
 */
export async function decoderStep(
  session: OrtSession,
  io: DecoderIO,
  state: KVState,
  tokens: Int32Array,
  logitsFor: 'last' | 'all',
): Promise<StepResult> {
  const past = state.length;
  const total = past + tokens.length;
  const feeds: Record<string, OrtTensor> = {};
  feeds[io.inputIds.name] = integers(io.inputIds.type, tokens.length, (i) => tokens[i]!);
  if (io.attentionMask) feeds[io.attentionMask.name] = integers(io.attentionMask.type, total, () => 1);
  if (io.positionIds)
    feeds[io.positionIds.name] = integers(io.positionIds.type, tokens.length, (i) => past + i);
  if (io.numLogitsToKeep)
    feeds[io.numLogitsToKeep.name] = integers(
      io.numLogitsToKeep.type,
      1,
      () => (logitsFor === 'last' ? 1 : 0),
      [],
    );
  if (io.seqlensK) feeds[io.seqlensK] = createOrtTensor('int32', Int32Array.of(total - 1), [1]);
  if (io.totalSequenceLength)
    feeds[io.totalSequenceLength] = createOrtTensor('int32', Int32Array.of(total), []);
  io.slots.forEach((slot, i) => {
    feeds[slot.input] = pastTensor(state.tensors[i]!, slot.timeAxis, state.start, past);
  });
  const outputs = await session.run(feeds);
  const tensors = io.slots.map((slot) => outputs[slot.output]!);
  const logits = logitRows(outputs[io.logits]!, logitsFor);
  return { logits, state: { start: 0, length: total, tensors } };
}

/** Steps [start, start + length) of `tensor` along `timeAxis` (the tensor itself when it holds just those). */
export function pastTensor(tensor: OrtTensor, timeAxis: number, start: number, length: number): OrtTensor {
  if (start === 0 && tensor.dims[timeAxis] === length) return tensor;
  const sliced = sliceTime(tensor.data, tensor.dims, timeAxis, length, start);
  return createOrtTensor(tensor.type, sliced.data, sliced.dims);
}

/** An int32 or int64 tensor of `dims` (default [1, n]) whose element i is value(i). */
export function integers(
  type: OrtElementType,
  n: number,
  value: (i: number) => number,
  dims: number[] = [1, n],
): OrtTensor {
  if (type === 'int64') {
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) data[i] = BigInt(value(i));
    return createOrtTensor(type, data, dims);
  }
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = value(i);
  return createOrtTensor(type, data, dims);
}

/** The last row, or all rows, of [1, n, width] logits (n = 1 when the graph kept only the last), as f32. */
export function logitRows(tensor: OrtTensor, logitsFor: 'last' | 'all'): Float32Array {
  const width = tensor.dims[tensor.dims.length - 1]!;
  const rows = tensor.data.length / width;
  const from = logitsFor === 'last' ? (rows - 1) * width : 0;
  if (tensor.type === 'float32') {
    const data = tensor.data as Float32Array;
    return from === 0 ? data : data.slice(from);
  }
  const source = tensor.data.subarray(from);
  const out = new Float32Array(source.length);
  for (let i = 0; i < out.length; i++) out[i] = halfToFloat(source[i] as number);
  return out;
}
