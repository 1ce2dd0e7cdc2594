import { type GraphBuilder, int } from './graph-builder.js';
import { OnnxDataType } from './onnx-proto.js';

const MASKED = -1e9;

/** Additive mask [B, 1, S, T]: key j is visible to query i when j <= past + i and attention_mask[j] = 1. */
export function causalMask(g: GraphBuilder, attentionMask: string, batchSeq: string): string {
  const total = g.op('Gather', [g.op('Shape', [attentionMask]), g.int64([1], [])]);
  const sequence = g.op('Gather', [batchSeq, g.int64([1], [])]);
  const past = g.op('Sub', [total, sequence]);
  const one = g.int64([1], []);
  const queryAt = g.op('Unsqueeze', [g.op('Range', [past, total, one]), g.int64([1])]); // [S, 1]
  const keyAt = g.op('Range', [g.int64([0], []), total, one]); // [T]
  const causal = g.op('LessOrEqual', [keyAt, queryAt]); // [S, T]
  const padding = g.op('Unsqueeze', [
    g.op('Cast', [attentionMask], { to: int(OnnxDataType.BOOL) }),
    g.int64([1, 2]),
  ]);
  return g.op('Where', [g.op('And', [causal, padding]), g.scalar(0), g.scalar(MASKED)]);
}

/** GroupQueryAttention's seqlens_k (tokens per row − 1, int32 [B]) and total_sequence_length (int32 scalar). */
export function groupQueryLengths(
  g: GraphBuilder,
  attentionMask: string,
): { seqlensK: string; total: string } {
  const lengths = g.op('ReduceSum', [attentionMask, g.int64([1])], { keepdims: int(0) });
  const seqlensK = g.op('Cast', [g.op('Sub', [lengths, g.int64([1], [])])], { to: int(OnnxDataType.INT32) });
  const totalLength = g.op('Gather', [g.op('Shape', [attentionMask]), g.int64([1], [])]);
  const total = g.op('Cast', [totalLength], { to: int(OnnxDataType.INT32) });
  return { seqlensK, total };
}
