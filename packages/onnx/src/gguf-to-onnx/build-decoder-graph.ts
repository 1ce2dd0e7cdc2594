import { causalMask, groupQueryLengths } from './attention-inputs.js';
import type { DecoderSpec } from './decoder-spec.js';
import type { WeightValue } from './gguf-weight-values.js';
import { float, type GraphBuilder, int, ints } from './graph-builder.js';
import { OnnxDataType } from './onnx-proto.js';
import { ropeTables } from './rope-tables.js';

/**
 * Float values holding the GGUF tensors by GGUF name (matrices row-major as (out, in)); `<name>#linear`
 * entries hold a matrix packed for MatMulNBits instead.
 */
export type WeightValues = ReadonlyMap<string, WeightValue>;

const F = OnnxDataType.FLOAT;

/**
 * Emits a llama-family decoder: input_ids, attention_mask, position_ids and past_key_values.N.key/value
 * [batch, kvHeads, past, headDim] in; logits and present.N.key/value out. Plain opset 17 by default;
 * `contribOps` uses onnxruntime's SimplifiedLayerNormalization and GroupQueryAttention instead.
 * Queries and keys rotate half against half: llama's adjacent-pair weights were permuted on load.
 */
export function buildDecoderGraph(
  g: GraphBuilder,
  spec: DecoderSpec,
  weights: WeightValues,
  options: { freqFactors?: Float32Array; contribOps?: boolean } = {},
): void {
  const { heads: nh, kvHeads: nkv, headDim: hd } = spec;
  const contrib = options.contribOps === true;
  const weight = (name: string): string => {
    const value = weights.get(name);
    if (typeof value !== 'string') throw new Error(`weight ${name} was not loaded as a float tensor`);
    return value;
  };
  const inputIds = g.input('input_ids', OnnxDataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', OnnxDataType.INT64, [
    'batch_size',
    'total_sequence_length',
  ]);
  const positionIds = g.input('position_ids', OnnxDataType.INT64, ['batch_size', 'sequence_length']);

  const batchSeq = g.op('Shape', [inputIds]); // [B, S]
  const shapeQ = g.op('Concat', [batchSeq, g.int64([nh, hd])], { axis: int(0) });
  const shapeKV = g.op('Concat', [batchSeq, g.int64([nkv, hd])], { axis: int(0) });
  const shapeOut = g.op('Concat', [batchSeq, g.int64([spec.vocab])], { axis: int(0) });

  // rotary tables gathered by position: [B, S, 1, hd] (heads last but one) or [B, 1, S, hd]
  const tables = ropeTables(spec.maxPositions, hd, spec.ropeBase, spec.ropeScale, options.freqFactors);
  const headAxis = g.int64([contrib ? 2 : 1]);
  const table = (name: string, values: Float32Array) =>
    g.op('Unsqueeze', [
      g.op('Gather', [g.f32(name, [spec.maxPositions, hd], values), positionIds]),
      headAxis,
    ]);
  const cos = table('rope_cos', tables.cos);
  const sin = table('rope_sin', tables.sin);
  const mask = contrib ? undefined : causalMask(g, attentionMask, batchSeq);
  const lengths = contrib ? groupQueryLengths(g, attentionMask) : undefined;

  const rmsNorm = (x: string, w: string): string => {
    if (contrib) {
      return g.op('SimplifiedLayerNormalization', [x, weight(w)], {
        axis: int(-1),
        epsilon: float(spec.rmsEpsilon),
      });
    }
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: ints([-1]), keepdims: int(1) });
    const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(spec.rmsEpsilon)])]);
    return g.op('Mul', [g.op('Div', [x, rms]), weight(w)]);
  };
  const linear = (x: string, w: string, bias?: string): string => {
    const packed = weights.get(`${w}#linear`);
    if (packed === undefined || typeof packed === 'string')
      return g.op('Gemm', bias === undefined ? [x, weight(w)] : [x, weight(w), weight(bias)], {
        transB: int(1),
      });
    const y = g.contrib('MatMulNBits', [x, packed.packed, packed.scales], {
      K: int(packed.cols),
      N: int(packed.rows),
      bits: int(packed.bits),
      block_size: int(32),
      accuracy_level: int(packed.accuracyLevel),
    });
    return bias === undefined ? y : g.op('Add', [y, weight(bias)]);
  };
  const rope = (x: string): string => {
    const [first, second] = g.node('Split', [x], { axis: int(-1) }, 2) as [string, string];
    const swapped = g.op('Concat', [second, first], { axis: int(-1) });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [swapped, sin])]);
  };
  const toHeads = (x: string, shape: string): string =>
    g.op('Transpose', [g.op('Reshape', [x, shape])], { perm: ints([0, 2, 1, 3]) }); // [B, H, S, hd]
  const repeatKV = (x: string): string => {
    if (nkv === nh) return x;
    const expanded = g.op('Expand', [g.op('Unsqueeze', [x, g.int64([2])]), g.int64([1, 1, nh / nkv, 1, 1])]);
    return g.op('Reshape', [expanded, g.int64([0, nh, -1, hd])]);
  };

  /** Attention of one layer over its cache; returns [N, nh·hd] and names the present outputs. */
  const attention = (l: number, q: string, k: string, v: string): string => {
    const pastK = g.input(`past_key_values.${l}.key`, F, ['batch_size', nkv, 'past_sequence_length', hd]);
    const pastV = g.input(`past_key_values.${l}.value`, F, ['batch_size', nkv, 'past_sequence_length', hd]);
    const presentK = `present.${l}.key`;
    const presentV = `present.${l}.value`;
    g.output(presentK, F, ['batch_size', nkv, 'total_sequence_length', hd]);
    g.output(presentV, F, ['batch_size', nkv, 'total_sequence_length', hd]);
    if (lengths !== undefined) {
      // [B, S, heads, hd] flattened to [B, S, heads·hd], as GroupQueryAttention takes them
      const flat = (x: string) => g.op('Reshape', [x, g.int64([0, 0, -1])]);
      const [out] = g.contribNode(
        'GroupQueryAttention',
        [
          flat(rope(g.op('Reshape', [q, shapeQ]))),
          flat(rope(g.op('Reshape', [k, shapeKV]))),
          flat(g.op('Reshape', [v, shapeKV])),
          pastK,
          pastV,
          lengths.seqlensK,
          lengths.total,
        ],
        { num_heads: int(nh), kv_num_heads: int(nkv), scale: float(spec.attentionScale) },
        [`gqa_${l}`, presentK, presentV],
      );
      return g.op('Reshape', [out!, g.int64([-1, nh * hd])]);
    }
    g.op('Concat', [pastK, rope(toHeads(k, shapeKV))], { axis: int(2) }, presentK);
    g.op('Concat', [pastV, toHeads(v, shapeKV)], { axis: int(2) }, presentV);
    const queries = g.op('Mul', [rope(toHeads(q, shapeQ)), g.scalar(spec.attentionScale)]);
    const keysT = g.op('Transpose', [repeatKV(presentK)], { perm: ints([0, 1, 3, 2]) }); // [B, H, hd, T]
    const scores = g.op('Add', [g.op('MatMul', [queries, keysT]), mask!]);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: int(-1) }), repeatKV(presentV)]);
    const merged = g.op('Transpose', [attended], { perm: ints([0, 2, 1, 3]) });
    return g.op('Reshape', [merged, g.int64([-1, nh * hd])]);
  };

  let x = g.op('Reshape', [g.op('Gather', [weight('token_embd.weight'), inputIds]), g.int64([-1, spec.dim])]); // [N, dim]
  for (let l = 0; l < spec.layers; l++) {
    const p = `blk.${l}.`;
    const bias = (name: string) => (spec.attentionBias ? `${p}${name}.bias` : undefined);
    const xn = rmsNorm(x, `${p}attn_norm.weight`);
    const q = linear(xn, `${p}attn_q.weight`, bias('attn_q'));
    const k = linear(xn, `${p}attn_k.weight`, bias('attn_k'));
    const v = linear(xn, `${p}attn_v.weight`, bias('attn_v'));
    x = g.op('Add', [x, linear(attention(l, q, k, v), `${p}attn_output.weight`)]);

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
