import { ModelFormatError } from '@x/core';
import type { ModelInfo } from '@x/runtime';
import type { DecoderIO } from '../decoder/decoder-io.js';
import { isRecord, type OnnxModelFiles } from './find-onnx-model.js';

const DEFAULT_CONTEXT = 2048;

/**
 * The engine's ModelInfo from the graph's I/O and whatever config.json / genai_config.json say. Throws
 * ModelFormatError when a config's vocabulary size disagrees with the logits width.
 */
export function onnxModelInfo(
  files: OnnxModelFiles,
  io: DecoderIO,
  options: { contextLength?: number; device?: string } = {},
): ModelInfo {
  const config = files.config ?? {};
  const genai = files.genai ?? {};
  const decoder = isRecord(genai.decoder) ? genai.decoder : {};
  const pick = (...values: unknown[]): number | undefined =>
    values.find((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const configVocab = pick(config.vocab_size, genai.vocab_size);
  const vocabSize = io.logitsWidth ?? configVocab;
  if (vocabSize === undefined) {
    throw new ModelFormatError('cannot tell the vocabulary size', {
      path: files.onnxPath,
      expected: 'a fixed logits width or vocab_size in config.json',
    });
  }
  if (configVocab !== undefined && io.logitsWidth !== undefined && configVocab !== io.logitsWidth) {
    throw new ModelFormatError('config vocab_size differs from the logits width', {
      path: files.onnxPath,
      expected: `${configVocab} (config)`,
      got: `${io.logitsWidth} (logits)`,
    });
  }
  const trained =
    pick(config.max_position_embeddings, config.n_positions, config.n_ctx, genai.context_length) ??
    DEFAULT_CONTEXT;
  const contextLength = Math.min(options.contextLength ?? trained, trained);
  const headCount =
    pick(config.num_attention_heads, config.n_head, decoder.num_attention_heads) ?? io.kvHeads;
  const embeddingLength =
    pick(config.hidden_size, config.n_embd, decoder.hidden_size) ?? headCount * io.headDim;
  const architecture = [config.model_type, genai.type].find((v) => typeof v === 'string') as
    | string
    | undefined;
  const name = config._name_or_path;
  return {
    architecture: architecture ?? 'unknown',
    name: typeof name === 'string' ? name : undefined,
    vocabSize,
    contextLength,
    embeddingLength,
    layerCount: io.layerCount,
    headCount,
    headCountKv: io.kvHeads,
    weightType: io.kvType === 'float16' ? 'F16' : 'F32',
    kvType: io.kvType === 'float16' ? 'f16' : 'f32',
    device: options.device ?? 'cpu',
    backend: 'onnx',
    // present key and value tensors of every layer, one row per cached token
    kvBytesPerToken: io.layerCount * 2 * io.kvHeads * io.headDim * (io.kvType === 'float16' ? 2 : 4),
  };
}
