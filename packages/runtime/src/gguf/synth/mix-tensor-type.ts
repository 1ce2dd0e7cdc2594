import { GGMLType } from '../ggml-type.js';
import type { FileTypeMix } from './weight-type.js';

/** What the mix rules need to know about one matrix and its model. */
export interface MixTensor {
  /** llama.cpp tensor name, e.g. `blk.3.attn_v.weight`. */
  name: string;
  /** Block index for `blk.N.*` tensors. */
  layer?: number;
  /** Number of blocks in the model. */
  layers: number;
  /** Whether the model has its own `output.weight` (false: tied to the token embeddings). */
  hasOutput: boolean;
}

/**
 * llama.cpp's use_more_bits(i, n): the first and last eighth of the layers and every third layer between
 * get more bits. Integer division as in C.
 */
export function useMoreBits(layer: number, layers: number): boolean {
  const eighth = Math.trunc(layers / 8);
  return layer < eighth || layer >= Math.trunc((7 * layers) / 8) || (layer - eighth) % 3 === 2;
}

/**
 * The type llama.cpp's quantizer gives a matrix before its row fallback, following
 * llama_tensor_get_type in src/llama-quant.cpp (read in JohannesGaessler/llama.cpp at 5a44f27) for
 * LLAMA_FTYPE_MOSTLY_Q4_K_M, non-MoE, non-Falcon, no --output-tensor-type/--token-embedding-type override:
 * - output.weight → Q6_K. With no output.weight (tied embeddings) the same branch takes token_embd.weight,
 *   so a tied model's embeddings are Q6_K too; an untied token_embd.weight keeps the default Q4_K.
 *   (That branch picks Q8_0 instead when the row is not whole K blocks, which the Q6_K → Q8_0 row fallback
 *   reproduces.)
 * - attn_v.weight and ffn_down → Q6_K on layers where useMoreBits(layer, layers), else Q4_K. llama.cpp
 *   counts these tensors in load order, which its loader sorts by block number, so the count is the layer.
 * - everything else (attn_q, attn_k, attn_output, ffn_gate, ffn_up) → Q4_K.
 */
function q4KMType(tensor: MixTensor): GGMLType {
  if (tensor.name === 'output.weight' || (!tensor.hasOutput && tensor.name === 'token_embd.weight'))
    return GGMLType.Q6_K;
  const role = tensor.name.split('.').at(-2);
  const moreBits = tensor.layer !== undefined && useMoreBits(tensor.layer, tensor.layers);
  if ((role === 'attn_v' || role === 'ffn_down') && moreBits) return GGMLType.Q6_K;
  return GGMLType.Q4_K;
}

const MIX_RULES: Record<FileTypeMix, (tensor: MixTensor) => GGMLType> = { Q4_K_M: q4KMType };

/** The type `mix` gives one matrix, before the row fallback of `matrixType`. */
export function mixTensorType(mix: FileTypeMix, tensor: MixTensor): GGMLType {
  return MIX_RULES[mix](tensor);
}
