import {
  dequantize,
  type F32Tensor,
  floatToHalf,
  type GGMLType,
  type GGUFFile,
  type LayerWeights,
  loadWeights,
  type Matrix,
  type ModelConfig,
  readTensor,
  type Weights,
} from '@x/runtime';
import type { DecoderSpec } from './decoder-spec.js';
import { bytesOf, type GraphBuilder, int } from './graph-builder.js';
import { OnnxDataType } from './onnx-proto.js';
import { NBITS_TYPES, packMatMulNBits } from './pack-matmul-nbits.js';

/**
 * Storage of the weight matrices: f32, f16 (Cast back to f32 on load), or 'gguf': Q4_0 / Q8_0 matrices kept
 * bit-exact as com.microsoft MatMulNBits, the others f32.
 */
export type WeightDType = 'f32' | 'f16' | 'gguf';

/** A weight as the graph consumes it: a float value, or packed blocks for MatMulNBits. */
export type WeightValue =
  | string
  | { packed: string; scales: string; bits: number; rows: number; cols: number; accuracyLevel: number };

/**
 * How MatMulNBits multiplies: 'exact' in f32 (bit-equal to the dequantized weights, but slow for 8 bits),
 * 'int8' with activations quantized per block to int8 as llama.cpp does for Q8_0/Q4_0 (3-4× faster than f32).
 */
export type NBitsAccuracy = 'exact' | 'int8';

export interface GGUFWeights {
  weights: Weights;
  /** The raw bytes of the Q4_0 / Q8_0 matrices, by GGUF name. */
  quantized: Map<string, { type: GGMLType; bytes: Uint8Array }>;
}

/** Reads and dequantizes every tensor of the file to f32 (the runtime's loadWeights then shape-checks them). */
export async function readGGUFWeights(
  file: GGUFFile,
  config: ModelConfig,
  onTensor?: (done: number, total: number) => void,
): Promise<GGUFWeights> {
  const tensors = new Map<string, F32Tensor>();
  const quantized = new Map<string, { type: GGMLType; bytes: Uint8Array }>();
  for (const info of file.tensors) {
    const count = info.shape.reduce((a, b) => a * b, 1);
    const bytes = await readTensor(file, info);
    if (NBITS_TYPES.includes(info.type) && info.shape.length === 2)
      quantized.set(info.name, { type: info.type, bytes });
    tensors.set(info.name, { shape: info.shape, data: dequantize(info.type, bytes, count) });
    onTensor?.(tensors.size, file.tensors.length);
  }
  return { weights: loadWeights(config, (name) => tensors.get(name), file.path), quantized };
}

/**
 * Registers the weights as initializers under their GGUF names and returns the float value of each.
 * Matrices stay (out, in) for Gemm(transB); f16 ones are Cast back to f32 (folded once by onnxruntime).
 * Llama's q/k rows are permuted from adjacent pairs to halves so the graph's rotate-half RoPE matches.
 */
export function addWeightValues(
  g: GraphBuilder,
  spec: DecoderSpec,
  { weights, quantized }: GGUFWeights,
  dtype: WeightDType,
  accuracy: NBitsAccuracy = 'int8',
): Map<string, WeightValue> {
  const values = new Map<string, WeightValue>();
  const vector = (name: string, data: Float32Array | undefined) => {
    if (data !== undefined) values.set(name, g.f32(name, [data.length], data));
  };
  const matrix = (name: string, m: Matrix, heads?: number) => {
    const asHead = name !== 'token_embd.weight' || spec.tiedEmbeddings;
    const raw = dtype === 'gguf' && asHead ? quantized.get(name) : undefined;
    if (raw !== undefined) {
      const order = permute && heads !== undefined ? pairsToHalvesOrder(heads, spec.headDim) : undefined;
      const nbits = packMatMulNBits(raw.type, raw.bytes, m.rows, m.cols, order);
      const packed = g.initializer(
        `${name}.nbits`,
        OnnxDataType.UINT8,
        [m.rows, m.cols / 32, nbits.blocks.length / (m.rows * (m.cols / 32))],
        nbits.blocks,
      );
      const scales = g.f32(`${name}.scales`, [nbits.scales.length], nbits.scales);
      values.set(`${name}#linear`, {
        packed,
        scales,
        bits: nbits.bits,
        rows: m.rows,
        cols: m.cols,
        accuracyLevel: accuracy === 'exact' ? 1 : 4,
      });
      if (name !== 'token_embd.weight') return;
    }
    if (dtype !== 'f16') {
      values.set(name, g.f32(name, [m.rows, m.cols], m.data));
      return;
    }
    const half = new Uint16Array(m.data.length);
    for (let i = 0; i < half.length; i++) half[i] = floatToHalf(m.data[i]!);
    const stored = g.initializer(name, OnnxDataType.FLOAT16, [m.rows, m.cols], bytesOf(half));
    values.set(name, g.op('Cast', [stored], { to: int(OnnxDataType.FLOAT) }));
  };
  const permute = spec.architecture === 'llama';
  const rotary = <T extends Matrix | Float32Array | undefined>(x: T, heads: number): T =>
    permute && x !== undefined ? (halvesFromPairs(x, heads, spec.headDim) as T) : x;

  matrix('token_embd.weight', weights.tokenEmbedding);
  if (!spec.tiedEmbeddings) matrix('output.weight', weights.output);
  vector('output_norm.weight', weights.outputNorm);
  weights.layers.forEach((layer: LayerWeights, l) => {
    const p = `blk.${l}.`;
    vector(`${p}attn_norm.weight`, layer.attnNorm);
    matrix(`${p}attn_q.weight`, rotary(layer.wq, spec.heads), spec.heads);
    matrix(`${p}attn_k.weight`, rotary(layer.wk, spec.kvHeads), spec.kvHeads);
    matrix(`${p}attn_v.weight`, layer.wv);
    vector(`${p}attn_q.bias`, rotary(layer.bq, spec.heads));
    vector(`${p}attn_k.bias`, rotary(layer.bk, spec.kvHeads));
    vector(`${p}attn_v.bias`, layer.bv);
    matrix(`${p}attn_output.weight`, layer.wo);
    vector(`${p}ffn_norm.weight`, layer.ffnNorm);
    matrix(`${p}ffn_gate.weight`, layer.wGate);
    matrix(`${p}ffn_up.weight`, layer.wUp);
    matrix(`${p}ffn_down.weight`, layer.wDown);
  });
  return values;
}

/** Source row of each output row for `halvesFromPairs`. */
function pairsToHalvesOrder(heads: number, headDim: number): number[] {
  const half = headDim / 2;
  const order: number[] = [];
  for (let h = 0; h < heads; h++)
    for (let j = 0; j < headDim; j++) order.push(h * headDim + (j < half ? 2 * j : 2 * (j - half) + 1));
  return order;
}

/** Reorders each head's rows (or entries) 0,1,2,3,… → 0,2,4,…,1,3,5,…: adjacent RoPE pairs become halves. */
function halvesFromPairs(x: Matrix | Float32Array, heads: number, headDim: number): Matrix | Float32Array {
  const data = x instanceof Float32Array ? x : x.data;
  const cols = x instanceof Float32Array ? 1 : x.cols;
  const out = new Float32Array(data.length);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < headDim; j++) {
      const from = h * headDim + (j < half ? 2 * j : 2 * (j - half) + 1);
      const to = h * headDim + j;
      out.set(data.subarray(from * cols, (from + 1) * cols), to * cols);
    }
  }
  return x instanceof Float32Array ? out : { data: out, rows: x.rows, cols: x.cols };
}
