import type { DecoderSpec } from './decoder-spec.js';

const CLASS_NAMES = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM' } as const;

/** config.json and generation_config.json as HF transformers and transformers.js read them. */
export function hfConfig(
  spec: DecoderSpec,
  metadata: Readonly<Record<string, unknown>>,
  externalData: boolean,
): { config: Record<string, unknown>; generation: Record<string, unknown> } {
  const id = (key: string) => {
    const value = metadata[`tokenizer.ggml.${key}`];
    return typeof value === 'number' ? value : undefined;
  };
  const tokens = { bos_token_id: id('bos_token_id'), eos_token_id: id('eos_token_id') };
  const name = metadata['general.name'];
  return {
    config: {
      architectures: [CLASS_NAMES[spec.architecture]],
      model_type: spec.architecture,
      ...(typeof name === 'string' ? { _name_or_path: name } : {}),
      hidden_size: spec.dim,
      intermediate_size: spec.feedForward,
      num_hidden_layers: spec.layers,
      num_attention_heads: spec.heads,
      num_key_value_heads: spec.kvHeads,
      head_dim: spec.headDim,
      vocab_size: spec.vocab,
      max_position_embeddings: spec.maxPositions,
      rms_norm_eps: spec.rmsEpsilon,
      rope_theta: spec.ropeBase,
      tie_word_embeddings: spec.tiedEmbeddings,
      torch_dtype: 'float32',
      use_cache: true,
      ...tokens,
      'transformers.js_config': { use_external_data_format: externalData, kv_cache_dtype: 'float32' },
    },
    generation: { ...tokens, do_sample: false },
  };
}
