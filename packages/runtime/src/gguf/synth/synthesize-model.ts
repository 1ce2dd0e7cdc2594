import { GGMLType, ggmlTypeName } from '../ggml-type.js';
import { GGUFValueType } from '../gguf-value-type.js';
import { quantize } from '../quantize.js';
import type { GGUFTensorInfo } from '../read-gguf.js';
import { type GGUFTensorInput, writeGGUF } from '../write-gguf.js';
import type { GGUFMetadataInput } from '../write-gguf-value.js';
import { byteLevelTokenizer } from './byte-level-tokenizer.js';
import { copyTokenizer } from './copy-tokenizer.js';
import { LLAMA3_ROPE_SCALING, type Llama3RopeScaling, llama3RopeFreqs } from './llama3-rope-freqs.js';
import { MODEL_SHAPES, type ModelShape } from './model-shapes.js';
import { modelTensors, parameterCount, type TensorPlan } from './model-tensors.js';
import { hashSeed, SeededNormal } from './seeded-normal.js';
import { tensorTypes } from './tensor-types.js';
import {
  isQuantized,
  isSynthesizable,
  llamaFileType,
  synthesizableTypeNames,
  type WeightType,
} from './weight-type.js';

export { matrixType } from './matrix-type.js';

export interface SynthesizeOptions {
  /** A name from MODEL_SHAPES or a shape of your own. */
  shape: string | ModelShape;
  /** Output file. */
  path: string;
  /**
   * Type of the weight matrices, or a llama.cpp mix such as 'Q4_K_M' that picks one per matrix
   * (norms and biases stay F32).
   */
  type: WeightType;
  seed?: number;
  /** Standard deviation of the random weights. */
  std?: number;
  /** A GGUF whose `tokenizer.*` keys are copied; its token count becomes the vocabulary size. */
  tokenizer?: string;
  layers?: number;
  /** Vocabulary size for the built-in byte-level tokenizer. */
  vocab?: number;
  contextLength?: number;
  /** Called as weights are generated: parameters done of the model's total. */
  onProgress?: (done: number, total: number) => void;
  /** `{arch}.rope.scaling.*` keys, as a converter writes them for a model with HF `rope_scaling`. */
  ropeScaling?: {
    type: 'none' | 'linear' | 'yarn' | 'longrope';
    factor?: number;
    originalContextLength?: number;
    attnFactor?: number;
  };
  /** Adds Llama 3.1's `rope_freqs.weight` (true: its published scaling, 8× from 8192 positions). */
  ropeFreqs?: boolean | Llama3RopeScaling;
}

export interface SynthesizedModel {
  path: string;
  shape: ModelShape;
  vocab: number;
  parameterCount: number;
  tensors: GGUFTensorInfo[];
}

const CHUNK_VALUES = 1 << 20;

/** Resolves a shape name and the layer/vocab/context overrides. */
export function resolveShape(
  options: Pick<SynthesizeOptions, 'shape' | 'layers' | 'vocab' | 'contextLength'>,
): ModelShape {
  const base = typeof options.shape === 'string' ? MODEL_SHAPES[options.shape] : options.shape;
  if (base === undefined) {
    throw new RangeError(
      `unknown shape ${String(options.shape)}; known: ${Object.keys(MODEL_SHAPES).join(', ')}`,
    );
  }
  const shape = {
    ...base,
    layers: options.layers ?? base.layers,
    vocab: options.vocab ?? base.vocab,
    contextLength: options.contextLength ?? base.contextLength,
  };
  if (shape.embedding % shape.heads !== 0 || shape.heads % shape.kvHeads !== 0) {
    throw new RangeError('embedding must divide into heads, and heads into kv heads');
  }
  return shape;
}

function modelMetadata(
  shape: ModelShape,
  vocab: number,
  type: WeightType,
  name: string,
  scaling: SynthesizeOptions['ropeScaling'],
): GGUFMetadataInput {
  const arch = shape.architecture;
  const u32 = (value: number) => ({ type: GGUFValueType.UINT32, value });
  const f32 = (value: number) => ({ type: GGUFValueType.FLOAT32, value });
  const headDim = shape.embedding / shape.heads;
  const metadata: GGUFMetadataInput = {
    'general.architecture': arch,
    'general.name': name,
    'general.file_type': u32(llamaFileType(type)),
    [`${arch}.block_count`]: u32(shape.layers),
    [`${arch}.context_length`]: u32(shape.contextLength),
    [`${arch}.embedding_length`]: u32(shape.embedding),
    [`${arch}.feed_forward_length`]: u32(shape.feedForward),
    [`${arch}.attention.head_count`]: u32(shape.heads),
    [`${arch}.attention.head_count_kv`]: u32(shape.kvHeads),
    [`${arch}.attention.key_length`]: u32(headDim),
    [`${arch}.attention.value_length`]: u32(headDim),
    [`${arch}.rope.freq_base`]: f32(shape.ropeTheta),
    [`${arch}.rope.dimension_count`]: u32(headDim),
    [`${arch}.attention.layer_norm_rms_epsilon`]: f32(shape.rmsEpsilon),
    [`${arch}.vocab_size`]: u32(vocab),
  };
  if (isQuantized(type)) metadata['general.quantization_version'] = u32(2);
  if (scaling !== undefined) {
    metadata[`${arch}.rope.scaling.type`] = scaling.type;
    if (scaling.factor !== undefined) metadata[`${arch}.rope.scaling.factor`] = f32(scaling.factor);
    if (scaling.originalContextLength !== undefined)
      metadata[`${arch}.rope.scaling.original_context_length`] = u32(scaling.originalContextLength);
    if (scaling.attnFactor !== undefined)
      metadata[`${arch}.rope.scaling.attn_factor`] = f32(scaling.attnFactor);
  }
  return metadata;
}

function tensorInput(
  plan: TensorPlan,
  tensorType: GGMLType,
  seed: number,
  std: number,
  onValues: (count: number) => void,
): GGUFTensorInput {
  const rowLength = plan.shape[0] as number;
  const rows = plan.shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    name: plan.name,
    shape: plan.shape,
    type: tensorType,
    data: function* () {
      const random = new SeededNormal(hashSeed(seed, plan.name));
      const rowsPerChunk = Math.max(1, Math.floor(CHUNK_VALUES / rowLength));
      for (let row = 0; row < rows; row += rowsPerChunk) {
        const values = new Float32Array(Math.min(rowsPerChunk, rows - row) * rowLength);
        if (plan.role === 'norm') values.fill(1);
        else random.fill(values, std);
        yield quantize(tensorType, values);
        onValues(values.length);
      }
    },
  };
}

/** Writes a GGUF with a real model's shapes, llama.cpp's tensor names and metadata, and seeded random weights. */
export async function synthesizeModel(options: SynthesizeOptions): Promise<SynthesizedModel> {
  if (!isSynthesizable(options.type)) {
    const name = typeof options.type === 'number' ? ggmlTypeName(options.type) : String(options.type);
    throw new RangeError(
      `cannot synthesize ${name} weights; use one of ${synthesizableTypeNames().join(', ')}`,
    );
  }
  const copied = options.tokenizer === undefined ? undefined : await copyTokenizer(options.tokenizer);
  const shape = resolveShape(copied === undefined ? options : { ...options, vocab: copied.vocab });
  const tokenizer = copied?.metadata ?? byteLevelTokenizer(shape.vocab);
  const name = typeof options.shape === 'string' ? `synthetic ${options.shape}` : 'synthetic';
  const plans = modelTensors(shape, shape.vocab);
  const seed = options.seed ?? 1;
  const std = options.std ?? 0.02;
  const types = tensorTypes(plans, options.type, shape.layers);
  const total = parameterCount(plans);
  let done = 0;
  const onValues = (count: number) => {
    done += count;
    options.onProgress?.(done, total);
  };
  const inputs = plans.map((plan, index) => tensorInput(plan, types[index] as GGMLType, seed, std, onValues));
  if (options.ropeFreqs) {
    const headDim = shape.embedding / shape.heads;
    const scaling = options.ropeFreqs === true ? LLAMA3_ROPE_SCALING : options.ropeFreqs;
    const divisors = llama3RopeFreqs(headDim, shape.ropeTheta, scaling);
    inputs.unshift({
      name: 'rope_freqs.weight',
      shape: [headDim / 2],
      type: GGMLType.F32,
      data: new Uint8Array(divisors.buffer),
    });
  }
  const tensors = await writeGGUF(options.path, {
    metadata: { ...modelMetadata(shape, shape.vocab, options.type, name, options.ropeScaling), ...tokenizer },
    tensors: inputs,
  });
  return { path: options.path, shape, vocab: shape.vocab, parameterCount: total, tensors };
}
