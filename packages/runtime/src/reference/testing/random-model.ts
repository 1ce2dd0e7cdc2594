import { ARCHITECTURES } from '../arch-table.js';
import type { F32Tensor } from '../load-weights.js';

export interface RandomModelShape {
  vocabSize: number;
  embeddingLength: number;
  feedForwardLength: number;
  layerCount: number;
  headCount: number;
  headCountKv: number;
  contextLength: number;
  /** Query/key/value head length when it is not embeddingLength / headCount (written as attention.key_length). */
  headDim?: number;
  /** Extra `{arch}.*` metadata (sliding_window, rope.freq_base, …), keys without the arch prefix. */
  extra?: Record<string, number | string>;
}

export const TINY_SHAPE: RandomModelShape = {
  vocabSize: 320,
  embeddingLength: 64,
  feedForwardLength: 96,
  layerCount: 2,
  headCount: 4,
  headCountKv: 2,
  contextLength: 256,
};

/** GGUF-style metadata and f32 tensors of a random model of `architecture`: the tensors a real file would hold. */
export interface RandomModel {
  metadata: Record<string, string | number>;
  tensors: Map<string, F32Tensor>;
}

export interface RandomModelOptions {
  shape?: RandomModelShape;
  seed?: number;
  /** Standard deviation of the weights (default 0.15). */
  std?: number;
  /** Standard deviation of the token embeddings (default `std`). */
  embeddingStd?: number;
  tied?: boolean;
  ropeFreqs?: boolean;
}

/**
 * A model with normal(0, std) weights and norm weights near 1, deterministic in `seed`.
 * `tied` leaves out `output.weight`; `ropeFreqs` adds Llama 3.1-style `rope_freqs.weight` divisors.
 */
export function randomModel(architecture: string, options: RandomModelOptions = {}): RandomModel {
  const shape = options.shape ?? TINY_SHAPE;
  const arch = ARCHITECTURES[architecture];
  if (arch === undefined) throw new Error(`no such architecture ${architecture}`);
  const random = normalGenerator(options.seed ?? 1);
  const std = options.std ?? 0.15;
  const { vocabSize: vocab, embeddingLength: dim, feedForwardLength: ff, headCount, headCountKv } = shape;
  const hd = shape.headDim ?? dim / headCount;
  const qDim = headCount * hd;
  const kvDim = headCountKv * hd;

  const tensors = new Map<string, F32Tensor>();
  const add = (name: string, shapeInGGMLOrder: number[], norm = false, scale = std): void => {
    const data = new Float32Array(shapeInGGMLOrder.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = norm ? 1 + 0.1 * random() : scale * random();
    tensors.set(name, { shape: shapeInGGMLOrder, data });
  };

  add('token_embd.weight', [dim, vocab], false, options.embeddingStd ?? std);
  add('output_norm.weight', [dim], true);
  if (!options.tied) add('output.weight', [dim, vocab]);
  if (options.ropeFreqs) {
    const data = Float32Array.from({ length: hd / 2 }, (_, i) => 1 + (i % 4));
    tensors.set('rope_freqs.weight', { shape: [hd / 2], data });
  }
  for (let l = 0; l < shape.layerCount; l++) {
    const p = `blk.${l}.`;
    add(`${p}attn_norm.weight`, [dim], true);
    if (arch.fusedQkv) add(`${p}attn_qkv.weight`, [dim, qDim + 2 * kvDim]);
    else {
      add(`${p}attn_q.weight`, [dim, qDim]);
      add(`${p}attn_k.weight`, [dim, kvDim]);
      add(`${p}attn_v.weight`, [dim, kvDim]);
    }
    if (arch.attentionBias) {
      add(`${p}attn_q.bias`, [qDim]);
      add(`${p}attn_k.bias`, [kvDim]);
      add(`${p}attn_v.bias`, [kvDim]);
    }
    if (arch.qkNorm) {
      add(`${p}attn_q_norm.weight`, [hd], true);
      add(`${p}attn_k_norm.weight`, [hd], true);
    }
    add(`${p}attn_output.weight`, [qDim, dim]);
    if (arch.postNorms) add(`${p}post_attention_norm.weight`, [dim], true);
    add(`${p}ffn_norm.weight`, [dim], true);
    if (arch.fusedGateUp) add(`${p}ffn_up.weight`, [dim, 2 * ff]);
    else {
      add(`${p}ffn_gate.weight`, [dim, ff]);
      add(`${p}ffn_up.weight`, [dim, ff]);
    }
    add(`${p}ffn_down.weight`, [ff, dim]);
    if (arch.postNorms) add(`${p}post_ffw_norm.weight`, [dim], true);
  }

  const a = architecture;
  const metadata: Record<string, string | number> = {
    'general.architecture': a,
    'general.name': `random-${a}`,
    [`${a}.context_length`]: shape.contextLength,
    [`${a}.embedding_length`]: dim,
    [`${a}.feed_forward_length`]: ff,
    [`${a}.block_count`]: shape.layerCount,
    [`${a}.attention.head_count`]: headCount,
    [`${a}.attention.head_count_kv`]: headCountKv,
    [`${a}.attention.layer_norm_rms_epsilon`]: 1e-5,
    [`${a}.rope.dimension_count`]: hd,
    [`${a}.rope.freq_base`]: 10_000,
  };
  if (shape.headDim !== undefined) {
    metadata[`${a}.attention.key_length`] = hd;
    metadata[`${a}.attention.value_length`] = hd;
  }
  if (arch.slidingWindowPattern > 0) metadata[`${a}.attention.sliding_window`] = 8;
  for (const [key, value] of Object.entries(shape.extra ?? {})) metadata[`${a}.${key}`] = value;
  return { metadata, tensors };
}

/** Standard normal samples from a seeded mulberry32 stream (Box–Muller). */
function normalGenerator(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
