import type { GGUFMetadataInput } from '../write-gguf-value.js';

/** One way to break a llama-family header, as metadata edits on a valid `llama` model (tiny-llama: 64 wide, 4 heads, 2 kv heads). */
export interface MalformedMetadataCase {
  name: string;
  edits: Record<string, GGUFMetadataInput[string] | undefined>;
}

/** Headers every loader must reject with ModelFormatError (the shared validateModelMetadata). */
export const MALFORMED_METADATA_CASES: readonly MalformedMetadataCase[] = [
  { name: 'block_count 0', edits: { 'llama.block_count': 0 } },
  { name: 'block_count beyond 4096', edits: { 'llama.block_count': 100_000 } },
  { name: 'no embedding_length', edits: { 'llama.embedding_length': undefined } },
  { name: 'embedding_length 2^31', edits: { 'llama.embedding_length': 2 ** 31 } },
  { name: 'head_count 0', edits: { 'llama.attention.head_count': 0 } },
  { name: 'kv heads that do not divide the heads', edits: { 'llama.attention.head_count_kv': 3 } },
  { name: 'odd rope dimension_count', edits: { 'llama.rope.dimension_count': 7 } },
  { name: 'rope dimension_count beyond the head', edits: { 'llama.rope.dimension_count': 4096 } },
  { name: 'context_length 2^30', edits: { 'llama.context_length': 2 ** 30 } },
  { name: 'context_length 0', edits: { 'llama.context_length': 0 } },
  { name: 'negative rms epsilon', edits: { 'llama.attention.layer_norm_rms_epsilon': -1 } },
  { name: 'rope freq_base 0', edits: { 'llama.rope.freq_base': 0 } },
  { name: 'fractional feed_forward_length', edits: { 'llama.feed_forward_length': 2.5 } },
  { name: 'unknown rope scaling type', edits: { 'llama.rope.scaling.type': 'stretchy' } },
  { name: 'negative rope scaling factor', edits: { 'llama.rope.scaling.factor': -4 } },
  { name: 'rope attn_factor 0', edits: { 'llama.rope.scaling.attn_factor': 0 } },
  { name: 'rope original_context_length 0', edits: { 'llama.rope.scaling.original_context_length': 0 } },
];
