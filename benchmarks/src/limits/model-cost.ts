import { GGMLType, type ModelConfig, modelKeys, readGGUF, readModelConfig } from '@x/runtime';

/** What one token costs a llama-family forward, counted from the GGUF's tensor table. */
export interface ModelCost {
  /**
   * Weight bytes a single-stream decode step reads: every tensor's stored bytes, except that an
   * untied token embedding contributes one row (the output matrix is read instead). With tied
   * embeddings (no output.weight) the embedding is the output head and is read whole. The KV cache
   * is not counted.
   */
  weightBytesPerToken: number;
  /**
   * Int8 multiply-adds per prompt token: rows × columns of each 2-D matrix in the blocks (blk.*:
   * attention q/k/v/o, feed-forward gate/up/down). Not counted: the output head (a prefill asks for
   * the last position's logits only), the embedding lookup, biases and norms, and attention's own
   * scores and weighted sums (they grow with the context and run in floating point).
   */
  macsPerToken: number;
  /**
   * The part of macsPerToken in matrices stored as floats (F32, F16, BF16). They have no int8 path
   * (quantizing the activations against them would change the results), so they multiply in f32
   * FMAs, whose peak is a quarter of vpdpbusd's on AVX-512 VNNI CPUs.
   */
  floatMacsPerToken: number;
  /**
   * Attention's f32 multiply-adds per token of the benchmark's causal prompt (attentionMacsPerToken):
   * not in macsPerToken, and like the float matrices they have no int8 path.
   */
  attentionMacsPerToken: number;
}

export interface TensorShape {
  name: string;
  /** ggml order: shape[0] is the row length. */
  shape: readonly number[];
  type: GGMLType;
  byteLength: number;
}

const FLOAT_TYPES: ReadonlySet<GGMLType> = new Set([GGMLType.F32, GGMLType.F16, GGMLType.BF16]);

export function modelCost(tensors: readonly TensorShape[], attentionMacsPerToken = 0): ModelCost {
  const untied = tensors.some((t) => t.name === 'output.weight');
  let weightBytesPerToken = 0;
  let macsPerToken = 0;
  let floatMacsPerToken = 0;
  for (const tensor of tensors) {
    const rows = tensor.shape[1] ?? 1;
    weightBytesPerToken +=
      untied && tensor.name === 'token_embd.weight' ? tensor.byteLength / rows : tensor.byteLength;
    if (!tensor.name.startsWith('blk.') || tensor.shape.length !== 2) continue;
    macsPerToken += tensor.shape[0]! * rows;
    if (FLOAT_TYPES.has(tensor.type)) floatMacsPerToken += tensor.shape[0]! * rows;
  }
  return { weightBytesPerToken, macsPerToken, floatMacsPerToken, attentionMacsPerToken };
}

/**
 * Per token of a causal prompt of `promptTokens`, averaged over its positions: every layer's query
 * heads take q·k and the weighted sum of v over (n + 1) / 2 keys on average, headDim multiply-adds
 * each. Whole-sequence attention only (no sliding window, as in the benchmark's shapes).
 */
export function attentionMacsPerToken(
  config: Pick<ModelConfig, 'layerCount' | 'headCount' | 'headDim'>,
  promptTokens: number,
): number {
  return config.layerCount * config.headCount * config.headDim * (promptTokens + 1);
}

/** modelCost of a GGUF file (reads the header only), attention counted for a `promptTokens` prompt. */
export async function modelCostOf(file: string, promptTokens = 0): Promise<ModelCost> {
  const gguf = await readGGUF(file, { keys: modelKeys });
  const config = readModelConfig(gguf.metadata, file);
  return modelCost(gguf.tensors, promptTokens > 0 ? attentionMacsPerToken(config, promptTokens) : 0);
}
