import { type ModelInfo, modelKeys, readGGUF, validateModelMetadata } from '@x/runtime';
import { type AddonContext, type AddonModel, loadNativeAddon } from '../native/native-binding.js';
import { toXError } from '../native/native-errors.js';
import { NativeEngine } from './native-engine.js';
import { requireInteger } from './require-integer.js';

/** The CPU kernel tables (xc_model_options.kernels); 'auto' leaves the choice to the engine. */
export const KERNEL_TABLES = ['auto', 'avx512', 'avx2', 'scalar'] as const;
export type KernelTableName = (typeof KERNEL_TABLES)[number];

/** The C API's own default for `max_sequences`. */
const DEFAULT_MAX_SEQUENCES = 16;

export interface NativeEngineOptions {
  /** Worker threads for the math; default: the physical cores. */
  threads?: number;
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
  /** KV-cache element type; default 'f16'. */
  kvType?: 'f16' | 'f32';
  /** KV-cache slots; default 16. */
  maxSequences?: number;
  /** 'cpu' (default), 'cuda', 'cuda:N'. */
  device?: string;
  /**
   * true: use the file's bytes in place. false: re-lay quantized matrices once at load where the kernel
   * table has a faster layout for them (AVX-512 VNNI: one private copy, the file's pages released).
   * Absent: re-lay unless XC_X8=0 is in the environment. Set true when several processes serve the
   * same file and should share its page cache.
   */
  keepFileLayout?: boolean;
  /**
   * The CPU kernel table the weights are laid out for and every forward runs. 'auto' (default):
   * XC_KERNELS from the environment when set, else the fastest this CPU runs; 'scalar' is the portable
   * slow twin. A table this CPU or build lacks: UnsupportedError.
   */
  kernels?: KernelTableName;
  /**
   * The longest, in ms, a forward may block the event loop: a forward whose last run of the same size
   * took at most this runs on the JS thread, sparing the hand-off to a worker thread and back (≈ 0.3–0.5 ms,
   * a tenth of a small model's decode step). Default 8; 0: every forward on a worker thread.
   */
  inlineForwardMs?: number;
}

function checkOptions(path: unknown, options: NativeEngineOptions): void {
  if (typeof path !== 'string' || path.length === 0)
    throw new TypeError('loadEngine: path must be a non-empty string');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('loadEngine: options must be an object');
  if (options.threads !== undefined) requireInteger('threads', options.threads, 1, 1024);
  if (options.contextLength !== undefined) requireInteger('contextLength', options.contextLength, 1);
  if (options.maxSequences !== undefined) requireInteger('maxSequences', options.maxSequences, 1, 4096);
  if (options.kvType !== undefined && options.kvType !== 'f16' && options.kvType !== 'f32') {
    throw new TypeError(`kvType must be 'f16' or 'f32', got ${String(options.kvType)}`);
  }
  if (options.device !== undefined && typeof options.device !== 'string')
    throw new TypeError('device must be a string');
  if (options.keepFileLayout !== undefined && typeof options.keepFileLayout !== 'boolean')
    throw new TypeError('keepFileLayout must be a boolean');
  if (
    options.inlineForwardMs !== undefined &&
    (typeof options.inlineForwardMs !== 'number' ||
      !(options.inlineForwardMs >= 0) ||
      !Number.isFinite(options.inlineForwardMs))
  ) {
    throw new TypeError(
      `inlineForwardMs must be a finite number ≥ 0, got ${String(options.inlineForwardMs)}`,
    );
  }
  if (options.kernels !== undefined && !KERNEL_TABLES.includes(options.kernels)) {
    throw new TypeError(`kernels must be one of ${KERNEL_TABLES.join(', ')}, got ${String(options.kernels)}`);
  }
}

/** The most tokens one sequence of the C++ engine can hold (context.cc). */
const NATIVE_MAX_CONTEXT = 1 << 22;

/**
 * Maps the GGUF file at `path` with the C++ engine and opens a KV cache over it. The header's
 * hyperparameters are read and checked in TS first (validateModelMetadata, as every loader does):
 * ModelFormatError. The tokenizer's values are stepped over, not decoded: an engine has no tokenizer.
 */
export async function loadEngine(path: string, options: NativeEngineOptions = {}): Promise<NativeEngine> {
  checkOptions(path, options);
  return loadEngineWithMetadata(path, options, (await readGGUF(path, { keys: modelKeys })).metadata);
}

/** loadEngine for a file whose header the caller has already read. */
export async function loadEngineWithMetadata(
  path: string,
  options: NativeEngineOptions,
  metadata: Readonly<Record<string, unknown>>,
): Promise<NativeEngine> {
  checkOptions(path, options);
  const shape = validateModelMetadata(metadata, path);
  const addon = loadNativeAddon();
  let model: AddonModel;
  try {
    const kernels = options.kernels === 'auto' ? undefined : options.kernels;
    model = await addon.loadModel(path, options.device, options.keepFileLayout, kernels);
  } catch (error) {
    throw toXError(error, { path });
  }
  try {
    const native = model.info();
    const contextLength = options.contextLength ?? Math.min(native.contextLength, NATIVE_MAX_CONTEXT);
    if (contextLength > Math.min(native.contextLength, NATIVE_MAX_CONTEXT)) {
      throw new RangeError(
        `contextLength ${contextLength} exceeds the model's trained context ${native.contextLength} or the engine's ${NATIVE_MAX_CONTEXT}`,
      );
    }
    const kvType = options.kvType ?? 'f16';
    const maxSequences = options.maxSequences ?? DEFAULT_MAX_SEQUENCES;
    const context: AddonContext = new addon.AddonContext(model, {
      contextLength,
      kvType,
      threads: options.threads ?? 0,
      maxSequences,
    });
    const info: ModelInfo = {
      architecture: native.architecture,
      name: native.name || undefined,
      vocabSize: native.vocabSize,
      contextLength,
      embeddingLength: native.embeddingLength,
      layerCount: native.layerCount,
      headCount: native.headCount,
      headCountKv: native.headCountKv,
      weightType: native.weightType,
      kvType,
      device: native.device,
      backend: 'candle-native',
      weightBytes: native.weightBytes,
      maxSequences,
      // keys and values of every layer; pages of the paged cache are allocated as tokens arrive
      kvBytesPerToken: shape.layerCount * 2 * shape.headCountKv * shape.headDim * (kvType === 'f16' ? 2 : 4),
    };
    return new NativeEngine(info, model, context, options.inlineForwardMs);
  } catch (error) {
    model.dispose();
    throw toXError(error, { path });
  }
}
