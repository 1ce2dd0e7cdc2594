import {
  dequantize,
  type F32Tensor,
  floatToHalf,
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

export type WeightDType = 'f32' | 'f16';

/** Reads and dequantizes every tensor of the file to f32 (the runtime's loadWeights then shape-checks them). */
export async function readGGUFWeights(file: GGUFFile, config: ModelConfig): Promise<Weights> {
  const tensors = new Map<string, F32Tensor>();
  for (const info of file.tensors) {
    const count = info.shape.reduce((a, b) => a * b, 1);
    tensors.set(info.name, { shape: info.shape, data: dequantize(info.type, await readTensor(file, info), count) });
  }
  return loadWeights(config, (name) => tensors.get(name), file.path);
}

/**
 * Registers the weights as initializers under their GGUF names and returns the float value of each.
 * Matrices stay (out, in) for Gemm(transB); f16 ones are Cast back to f32 (folded once by onnxruntime).
 * Llama's q/k rows are permuted from adjacent pairs to halves so the graph's rotate-half RoPE matches.
 */
export function addWeightValues(
  g: GraphBuilder,
  spec: DecoderSpec,
  weights: Weights,
  dtype: WeightDType,
): Map<string, string> {
  const values = new Map<string, string>();
  const vector = (name: string, data: Float32Array | undefined) => {
    if (data !== undefined) values.set(name, g.f32(name, [data.length], data));
  };
  const matrix = (name: string, m: Matrix) => {
    if (dtype === 'f32') {
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
    matrix(`${p}attn_q.weight`, rotary(layer.wq, spec.heads));
    matrix(`${p}attn_k.weight`, rotary(layer.wk, spec.kvHeads));
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
