import type { DecoderSpec } from './decoder-spec.js';
import { type GraphBuilder, int, ints } from './graph-builder.js';
import { OnnxDataType } from './onnx-proto.js';
import { ropeTables } from './rope-tables.js';

/** Float values holding the GGUF tensors by GGUF name (matrices row-major as (out, in)). */
export type WeightValues = ReadonlyMap<string, string>;

const F = OnnxDataType.FLOAT;
const MASKED = -1e9;

/**
 * Emits a llama-family decoder in plain opset 17: input_ids, attention_mask, position_ids and
 * past_key_values.N.key/value [batch, kvHeads, past, headDim] in; logits and present.N.key/value out.
 * Queries and keys rotate half against half: llama's adjacent-pair weights were permuted on load.
 */
export function buildDecoderGraph(g: GraphBuilder, spec: DecoderSpec, weights: WeightValues, freqFactors?: Float32Array): void {
  const { heads: nh, kvHeads: nkv, headDim: hd } = spec;
  const weight = (name: string): string => {
    const value = weights.get(name);
    if (value === undefined) throw new Error(`weight ${name} was not loaded`);
    return value;
  };
  const inputIds = g.input('input_ids', OnnxDataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', OnnxDataType.INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', OnnxDataType.INT64, ['batch_size', 'sequence_length']);

  // shapes shared by every layer
  const batchSeq = g.op('Shape', [inputIds]); // [B, S]
  const shapeQ = g.op('Concat', [batchSeq, g.int64([nh, hd])], { axis: int(0) });
  const shapeKV = g.op('Concat', [batchSeq, g.int64([nkv, hd])], { axis: int(0) });
  const shapeOut = g.op('Concat', [batchSeq, g.int64([spec.vocab])], { axis: int(0) });

  // rotary tables gathered by position: [B, 1, S, hd]
  const tables = ropeTables(spec.maxPositions, hd, spec.ropeBase, spec.ropeScale, freqFactors);
  const cos = g.op('Unsqueeze', [g.op('Gather', [g.f32('rope_cos', [spec.maxPositions, hd], tables.cos), positionIds]), g.int64([1])]);
  const sin = g.op('Unsqueeze', [g.op('Gather', [g.f32('rope_sin', [spec.maxPositions, hd], tables.sin), positionIds]), g.int64([1])]);

  // additive mask [B, 1, S, T]: key j is visible to query i when j <= past + i and attention_mask[j] = 1
  const total = g.op('Gather', [g.op('Shape', [attentionMask]), g.int64([1], [])]);
  const sequence = g.op('Gather', [batchSeq, g.int64([1], [])]);
  const past = g.op('Sub', [total, sequence]);
  const one = g.int64([1], []);
  const queryAt = g.op('Unsqueeze', [g.op('Range', [past, total, one]), g.int64([1])]); // [S, 1]
  const keyAt = g.op('Range', [g.int64([0], []), total, one]); // [T]
  const causal = g.op('LessOrEqual', [keyAt, queryAt]); // [S, T]
  const padding = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: int(OnnxDataType.BOOL) }), g.int64([1, 2])]);
  const visible = g.op('And', [causal, padding]);
  const mask = g.op('Where', [visible, g.scalar(0), g.scalar(MASKED)]);

  const rmsNorm = (x: string, w: string): string => {
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: ints([-1]), keepdims: int(1) });
    const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(spec.rmsEpsilon)])]);
    return g.op('Mul', [g.op('Div', [x, rms]), weight(w)]);
  };
  const linear = (x: string, w: string, bias?: string): string =>
    g.op('Gemm', bias === undefined ? [x, weight(w)] : [x, weight(w), weight(bias)], { transB: int(1) });
  const rope = (x: string): string => {
    const [first, second] = g.node('Split', [x], { axis: int(-1) }, 2) as [string, string];
    const swapped = g.op('Concat', [second, first], { axis: int(-1) });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [swapped, sin])]);
  };
  const heads = (x: string, shape: string): string =>
    g.op('Transpose', [g.op('Reshape', [x, shape])], { perm: ints([0, 2, 1, 3]) }); // [B, H, S, hd]
  const repeatKV = (x: string): string => {
    if (nkv === nh) return x;
    const expanded = g.op('Expand', [g.op('Unsqueeze', [x, g.int64([2])]), g.int64([1, 1, nh / nkv, 1, 1])]);
    return g.op('Reshape', [expanded, g.int64([0, nh, -1, hd])]);
  };

  let x = g.op('Reshape', [g.op('Gather', [weight('token_embd.weight'), inputIds]), g.int64([-1, spec.dim])]); // [N, dim]
  for (let l = 0; l < spec.layers; l++) {
    const p = `blk.${l}.`;
    const bias = (name: string) => (spec.attentionBias ? `${p}${name}.bias` : undefined);
    const xn = rmsNorm(x, `${p}attn_norm.weight`);
    const q = rope(heads(linear(xn, `${p}attn_q.weight`, bias('attn_q')), shapeQ));
    const k = rope(heads(linear(xn, `${p}attn_k.weight`, bias('attn_k')), shapeKV));
    const v = heads(linear(xn, `${p}attn_v.weight`, bias('attn_v')), shapeKV);
    const pastK = g.input(`past_key_values.${l}.key`, F, ['batch_size', nkv, 'past_sequence_length', hd]);
    const pastV = g.input(`past_key_values.${l}.value`, F, ['batch_size', nkv, 'past_sequence_length', hd]);
    const presentK = g.op('Concat', [pastK, k], { axis: int(2) }, `present.${l}.key`);
    const presentV = g.op('Concat', [pastV, v], { axis: int(2) }, `present.${l}.value`);
    g.output(presentK, F, ['batch_size', nkv, 'total_sequence_length', hd]);
    g.output(presentV, F, ['batch_size', nkv, 'total_sequence_length', hd]);

    const keysT = g.op('Transpose', [repeatKV(presentK)], { perm: ints([0, 1, 3, 2]) }); // [B, H, hd, T]
    const scores = g.op('Add', [g.op('MatMul', [g.op('Mul', [q, g.scalar(spec.attentionScale)]), keysT]), mask]);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: int(-1) }), repeatKV(presentV)]);
    const merged = g.op('Reshape', [g.op('Transpose', [attended], { perm: ints([0, 2, 1, 3]) }), g.int64([-1, nh * hd])]);
    x = g.op('Add', [x, linear(merged, `${p}attn_output.weight`)]);

    const hn = rmsNorm(x, `${p}ffn_norm.weight`);
    const gate = linear(hn, `${p}ffn_gate.weight`);
    const up = linear(hn, `${p}ffn_up.weight`);
    const activated = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, linear(activated, `${p}ffn_down.weight`)]);
  }
  const head = spec.tiedEmbeddings ? 'token_embd.weight' : 'output.weight';
  const logits = linear(rmsNorm(x, 'output_norm.weight'), head);
  g.op('Reshape', [logits, shapeOut], {}, 'logits');
  g.output('logits', F, ['batch_size', 'sequence_length', spec.vocab]);
}
