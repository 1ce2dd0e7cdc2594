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
 * Emits a llama-family decoder: input_ids, attention_mask, position_ids, past_key_values.N.key/value
 * [batch, kvHeads, past, headDim] and num_logits_to_keep in; logits and present.N.key/value out. Plain
 * opset 17 by default; `contribOps` uses onnxruntime's SimplifiedLayerNormalization and
 * GroupQueryAttention instead. Queries and keys rotate half against half: llama's adjacent-pair weights
 * were permuted on load.
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
  const shapeBSD = g.op('Concat', [batchSeq, g.int64([-1])], { axis: int(0) });
  const headShape = (heads: number) =>
    contrib ? '' : g.op('Concat', [batchSeq, g.int64([heads, hd])], { axis: int(0) });
  const shapeQ = headShape(nh);
  const shapeKV = headShape(nkv);
  const shapeOut = g.op(
    'Concat',
    [g.op('Slice', [batchSeq, g.int64([0]), g.int64([1])]), g.int64([-1, spec.vocab])],
    {
      axis: int(0),
    },
  );

  const tables = ropeTables(spec.maxPositions, hd, { ...spec.rope, freqFactors: options.freqFactors });
  // plain graphs gather the rotary tables by position, [B, 1, S, hd]; GroupQueryAttention rotates inside,
  // at the positions seqlens_k implies, from cos and sin caches of half width (position_ids then goes
  // unread, but stays an input so transformers.js and every other caller feed the graph alike)
  const table = (name: string, values: Float32Array) =>
    g.op('Unsqueeze', [
      g.op('Gather', [g.f32(name, [spec.maxPositions, hd], values), positionIds]),
      g.int64([1]),
    ]);
  const cos = contrib ? '' : table('rope_cos', tables.cos);
  const sin = contrib ? '' : table('rope_sin', tables.sin);
  const half = (name: string, values: Float32Array, from: number) =>
    g.f32(name, [spec.maxPositions, hd / 2], halfColumns(values, hd, from));
  const rotaryCaches = contrib
    ? [half('rope_cos_cache', tables.cos, 0), half('rope_sin_cache', tables.sin, hd / 2)]
    : [];
  const mask = contrib ? undefined : causalMask(g, attentionMask, batchSeq);
  const lengths = contrib ? groupQueryLengths(g, attentionMask) : undefined;

  const rmsNorm = (x: string, w: string): string => {
    if (contrib) {
      return g.op('SimplifiedLayerNormalization', [x, weight(w)], {
        axis: int(-1),
        epsilon: float(spec.rmsEpsilon),
      });
    }
    // Pow, not Mul(x, x): onnxruntime fuses Pow→ReduceMean→Add→Sqrt→Div→Mul into one normalization
    const meanSquare = g.op('ReduceMean', [g.op('Pow', [x, g.scalar(2)])], {
      axes: ints([-1]),
      keepdims: int(1),
    });
    const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(spec.rmsEpsilon)])]);
    return g.op('Mul', [g.op('Div', [x, rms]), weight(w)]);
  };
  const linear = (x: string, w: string, bias?: string, shape = shapeBSD): string => {
    const packed = weights.get(`${w}#linear`);
    if (packed === undefined || typeof packed === 'string') {
      // Gemm takes rows: [B, S, in] activations go through [B·S, in]
      const rows = contrib ? g.op('Flatten', [x], { axis: int(2) }) : x;
      const y = g.op('Gemm', bias === undefined ? [rows, weight(w)] : [rows, weight(w), weight(bias)], {
        transB: int(1),
      });
      return contrib ? g.op('Reshape', [y, shape]) : y;
    }
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
  // Heads that share a key/value head attend as one: queries [B, nh, S, hd] taken as [B, nkv, group·S, hd]
  // (row gi·S + s is query head kv·group + gi at step s), so the cache is never repeated per head.
  const group = nh / nkv;
  const grouped = (x: string) => (group === 1 ? x : g.op('Reshape', [x, g.int64([0, nkv, -1, hd])]));
  const ungrouped = (x: string) => (group === 1 ? x : g.op('Reshape', [x, g.int64([0, nh, -1, hd])]));
  const groupMask =
    mask === undefined || group === 1 ? mask : g.op('Tile', [mask, g.int64([1, 1, group, 1])]);

  /** Attention of one layer over its cache; returns [N, nh·hd] and names the present outputs. */
  const attention = (l: number, q: string, k: string, v: string): string => {
    const pastK = g.input(`past_key_values.${l}.key`, F, ['batch_size', nkv, 'past_sequence_length', hd]);
    const pastV = g.input(`past_key_values.${l}.value`, F, ['batch_size', nkv, 'past_sequence_length', hd]);
    const presentK = `present.${l}.key`;
    const presentV = `present.${l}.value`;
    g.output(presentK, F, ['batch_size', nkv, 'total_sequence_length', hd]);
    g.output(presentV, F, ['batch_size', nkv, 'total_sequence_length', hd]);
    if (lengths !== undefined) {
      // q, k and v are [B, S, heads·hd] already, as GroupQueryAttention takes them
      const [out] = g.contribNode(
        'GroupQueryAttention',
        [q, k, v, pastK, pastV, lengths.seqlensK, lengths.total, ...rotaryCaches],
        {
          num_heads: int(nh),
          kv_num_heads: int(nkv),
          scale: float(spec.attentionScale),
          do_rotary: int(1),
          rotary_interleaved: int(0),
        },
        [`gqa_${l}`, presentK, presentV],
      );
      return out!;
    }
    g.op('Concat', [pastK, rope(toHeads(k, shapeKV))], { axis: int(2) }, presentK);
    g.op('Concat', [pastV, toHeads(v, shapeKV)], { axis: int(2) }, presentV);
    const queries = grouped(g.op('Mul', [rope(toHeads(q, shapeQ)), g.scalar(spec.attentionScale)]));
    const keysT = g.op('Transpose', [presentK], { perm: ints([0, 1, 3, 2]) }); // [B, nkv, hd, T]
    const scores = g.op('Add', [g.op('MatMul', [queries, keysT]), groupMask!]);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: int(-1) }), presentV]);
    const merged = g.op('Transpose', [ungrouped(attended)], { perm: ints([0, 2, 1, 3]) });
    return g.op('Reshape', [merged, g.int64([-1, nh * hd])]);
  };

  // activations are [B, S, dim] with contrib ops (every op there takes them so), else rows [B·S, dim]
  const embedded = g.op('Gather', [weight('token_embd.weight'), inputIds]);
  let x = contrib ? embedded : g.op('Reshape', [embedded, g.int64([-1, spec.dim])]);
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
  const kept = keptRows(g, contrib ? x : g.op('Reshape', [x, shapeBSD]));
  const head = spec.tiedEmbeddings ? 'token_embd.weight' : 'output.weight';
  // the kept rows of contrib graphs: [B, k or S, -1]
  const keptShape = contrib
    ? g.op('Concat', [g.op('Slice', [g.op('Shape', [kept]), g.int64([0]), g.int64([2])]), g.int64([-1])], {
        axis: int(0),
      })
    : undefined;
  const logits = linear(
    rmsNorm(contrib ? kept : g.op('Reshape', [kept, g.int64([-1, spec.dim])]), 'output_norm.weight'),
    head,
    undefined,
    keptShape,
  );
  g.op('Reshape', [logits, shapeOut], {}, 'logits');
  g.output('logits', F, ['batch_size', 'logits_length', spec.vocab]);
}

/**
 * Of [B, S, dim] hidden states, the last num_logits_to_keep of each sequence that the head runs on, or all
 * of them for 0 (transformers.js feeds 1 while generating; our engine feeds 1 for 'last' and 0 for 'all').
 */
function keptRows(g: GraphBuilder, x: string): string {
  const keep = g.input('num_logits_to_keep', OnnxDataType.INT64, []);
  // Slice from -k: the last k rows, and from 0 (all rows) when k is 0
  const start = g.op('Unsqueeze', [g.op('Neg', [keep]), g.int64([0])]);
  return g.op('Slice', [x, start, g.int64([2 ** 53 - 1]), g.int64([1])]);
}

/** Columns [from, from + headDim / 2) of a (positions, headDim) table. */
function halfColumns(table: Float32Array, headDim: number, from: number): Float32Array {
  const half = headDim / 2;
  const positions = table.length / headDim;
  const out = new Float32Array(positions * half);
  for (let pos = 0; pos < positions; pos++) {
    out.set(table.subarray(pos * headDim + from, pos * headDim + from + half), pos * half);
  }
  return out;
}
