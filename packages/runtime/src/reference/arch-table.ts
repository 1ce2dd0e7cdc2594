import type { RopeStyle } from './ops/rope.js';

/**
 * What distinguishes one llama-family architecture from another, as data. Every row runs through the
 * same forward pass (forward-token.ts); facts follow llama.cpp (src/llama-model.cpp, src/models/*.cpp).
 */
export interface ArchSpec {
  rope: RopeStyle;
  /** q/k/v projections carry biases (`attn_{q,k,v}.bias`, required). Other archs load them when present. */
  attentionBias: boolean;
  /** One `attn_qkv` matrix with q, k, v rows stacked, instead of three. */
  fusedQkv: boolean;
  /** `ffn_up` holds gate rows then up rows (2·n_ff), and there is no `ffn_gate`. */
  fusedGateUp: boolean;
  /** Per-head RMS norms on q and k before RoPE (`attn_q_norm`, `attn_k_norm`). */
  qkNorm: boolean;
  /** RMS norms on the attention and FFN outputs before each residual add (`post_attention_norm`, `post_ffw_norm`). */
  postNorms: boolean;
  /** Token embeddings are multiplied by sqrt(embedding length). */
  scaleEmbedding: boolean;
  /** The FFN's gate activation. */
  activation: 'silu' | 'gelu-tanh';
  /**
   * Sliding-window layers: layer il is local when `il % pattern < pattern - 1` (0: none). The window
   * comes from `attention.sliding_window`, else `defaultSlidingWindow`.
   */
  slidingWindowPattern: number;
  defaultSlidingWindow?: number;
  /** RoPE base of the sliding layers (Gemma 3), instead of `rope.freq_base`. */
  slidingRopeBase?: number;
  /** Attention-logit and final-logit soft caps used when the metadata omits them (Gemma 2). */
  defaultSoftcap?: { attention: number; final: number };
  /** The layer count of the variant that scales queries by 1/sqrt(n_embd / n_head) (Gemma's 27B). */
  queryScaleByEmbeddingAtLayerCount?: number;
}

const llama: ArchSpec = {
  rope: 'normal',
  attentionBias: false,
  fusedQkv: false,
  fusedGateUp: false,
  qkNorm: false,
  postNorms: false,
  scaleEmbedding: false,
  activation: 'silu',
  slidingWindowPattern: 0,
};

/** The supported architectures, keyed by GGUF `general.architecture`. */
export const ARCHITECTURES: Readonly<Record<string, ArchSpec>> = {
  llama,
  qwen2: { ...llama, rope: 'neox', attentionBias: true },
  qwen3: { ...llama, rope: 'neox', qkNorm: true },
  phi3: { ...llama, rope: 'neox', fusedQkv: true, fusedGateUp: true },
  gemma2: {
    ...llama,
    rope: 'neox',
    postNorms: true,
    scaleEmbedding: true,
    activation: 'gelu-tanh',
    slidingWindowPattern: 2,
    defaultSlidingWindow: 4096,
    defaultSoftcap: { attention: 50, final: 30 },
    queryScaleByEmbeddingAtLayerCount: 46,
  },
  gemma3: {
    ...llama,
    rope: 'neox',
    qkNorm: true,
    postNorms: true,
    scaleEmbedding: true,
    activation: 'gelu-tanh',
    slidingWindowPattern: 6,
    slidingRopeBase: 10_000,
    queryScaleByEmbeddingAtLayerCount: 62,
  },
};
