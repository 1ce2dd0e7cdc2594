import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { readGGUF, readModelConfig } from '@x/runtime';
import { buildDecoderGraph } from './build-decoder-graph.js';
import { type DecoderSpec, decoderSpec } from './decoder-spec.js';
import {
  addWeightValues,
  type NBitsAccuracy,
  readGGUFWeights,
  type WeightDType,
} from './gguf-weight-values.js';
import { GraphBuilder } from './graph-builder.js';
import { hfConfig } from './hf-config.js';
import { writeOnnxModel } from './write-onnx-model.js';

export interface ConvertGGUFOptions {
  /** Storage type of the weight matrices (default 'f32'; quantized types are dequantized). */
  dtype?: WeightDType;
  /** Rows of the RoPE tables, capping the context (default: the trained context, at most 32768). */
  maxPositions?: number;
  externalData?: boolean;
  /** With dtype 'gguf': how MatMulNBits multiplies (default 'int8'). */
  accuracy?: NBitsAccuracy;
  /** onnxruntime's SimplifiedLayerNormalization and GroupQueryAttention instead of plain ops (default false). */
  contribOps?: boolean;
  /** Called as the conversion reads tensors, then writes weight bytes (see conversionProgressBar). */
  onProgress?: (progress: ConversionProgress) => void;
}

/** How far a conversion is: tensors read of the GGUF's, then weight bytes written of the total. */
export interface ConversionProgress {
  stage: 'read' | 'write';
  done: number;
  total: number;
}

export interface ConvertedModel {
  folder: string;
  onnxPath: string;
  spec: DecoderSpec;
}

const DEFAULT_MAX_POSITIONS = 32_768;

/**
 * Converts a llama or qwen2 GGUF into an HF-layout folder: config.json, generation_config.json and
 * onnx/model.onnx (a plain-opset decoder with past_key_values). The tokenizer stays in the GGUF.
 */
export async function convertGGUF(
  ggufPath: string,
  folder: string,
  options: ConvertGGUFOptions = {},
): Promise<ConvertedModel> {
  await stat(ggufPath).catch((error: unknown) => {
    throw new ModelFormatError('model path does not exist', { path: ggufPath, cause: error });
  });
  const file = await readGGUF(ggufPath);
  const config = readModelConfig(file.metadata, ggufPath);
  const progress = options.onProgress;
  const loaded = await readGGUFWeights(file, config, (done, total) =>
    progress?.({ stage: 'read', done, total }),
  );
  const { weights } = loaded;
  const spec = decoderSpec(config, {
    vocab: weights.output.rows,
    tiedEmbeddings: weights.output === weights.tokenEmbedding,
    attentionBias: weights.layers[0]?.bq !== undefined,
    maxPositions: options.maxPositions ?? DEFAULT_MAX_POSITIONS,
  });
  const g = new GraphBuilder();
  const values = addWeightValues(g, spec, loaded, options.dtype ?? 'f32', options.accuracy);
  buildDecoderGraph(g, spec, values, {
    freqFactors: weights.ropeFreqFactors,
    contribOps: options.contribOps,
  });
  await mkdir(path.join(folder, 'onnx'), { recursive: true });
  const onnxPath = path.join(folder, 'onnx', 'model.onnx');
  await writeOnnxModel(g, onnxPath, {
    externalData: options.externalData,
    metadata: { source: path.basename(ggufPath) },
    onBytes: (done, total) => progress?.({ stage: 'write', done, total }),
  });
  const { config: json, generation } = hfConfig(spec, file.metadata, options.externalData === true);
  await writeFile(path.join(folder, 'config.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(path.join(folder, 'generation_config.json'), `${JSON.stringify(generation, null, 2)}\n`);
  return { folder, onnxPath, spec };
}
