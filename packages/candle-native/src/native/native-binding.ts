import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnsupportedError } from '@x/core';
import {
  addonCandidates,
  currentPlatform,
  findAddon,
  missingAddonMessage,
  PACKAGE_NAME,
} from './addon-location.js';

/** What `AddonModel.info()` returns: the engine's `xc_model_info`, camel-cased. */
export interface AddonModelInfo {
  architecture: string;
  name: string;
  weightType: string;
  vocabSize: number;
  /** The trained context from the metadata. */
  contextLength: number;
  embeddingLength: number;
  layerCount: number;
  headCount: number;
  headCountKv: number;
  weightBytes: number;
  /** Weight bytes re-laid in private memory at load (0: every matrix used in place from the map). */
  relaidBytes: number;
  device: string;
}

export interface AddonModel {
  info(): AddonModelInfo;
  /** Drops this handle; the weights stay mapped while a context still uses them. */
  dispose(): void;
}

export interface AddonContextOptions {
  /** 0 or absent: the model's trained context. */
  contextLength?: number;
  maxSequences?: number;
  /** 0 or absent: the physical cores. */
  threads?: number;
  kvType?: 'f16' | 'f32';
}

export interface AddonBatchItem {
  seq: number;
  tokens: Int32Array;
  /** true: one row of logits per token; false: the last token's row only. */
  all: boolean;
  /**
   * forwardArgmax only (forward ignores it): the tokens each of this item's rows may pick, bit
   * `id & 31` of word `id >>> 5`, at least ceil(vocabSize / 32) words, or an array of such masks,
   * one per row (RangeError unless exactly one per row); a row whose mask allows nothing gets -1.
   */
  allowed?: Uint32Array | readonly Uint32Array[];
}

export interface AddonContext {
  createSequence(): number;
  /** `nTokens` absent: every token of `from`. */
  forkSequence(from: number, nTokens?: number): number;
  truncateSequence(seq: number, nTokens: number): void;
  releaseSequence(seq: number): void;
  sequenceLength(seq: number): number;
  /**
   * Resolves to every item's rows, in order; `abortFlag[0] = 1` stops it between layers. With
   * `into` the rows are written at its start and `into` itself is the result (RangeError when it is
   * too small); without it, a new array.
   */
  forward(items: AddonBatchItem[], abortFlag?: Int32Array, into?: Float32Array): Promise<Float32Array>;
  /** forward(), but each row comes back as the id of its largest logit, picked in C++ (xc_forward_argmax). */
  forwardArgmax(items: AddonBatchItem[], abortFlag?: Int32Array): Promise<Int32Array>;
  /**
   * forward() on the calling (JS) thread: no hand-off to a worker thread and back, the event loop
   * blocked meanwhile. Errors are thrown.
   */
  forwardSync(items: AddonBatchItem[], abortFlag?: Int32Array, into?: Float32Array): Float32Array;
  /** forwardArgmax() on the calling (JS) thread. */
  forwardArgmaxSync(items: AddonBatchItem[], abortFlag?: Int32Array): Int32Array;
  /**
   * Milliseconds the last forward that finished spent in the engine, on whichever thread it ran (0
   * before any): a worker's forward without the hand-offs to the worker and back.
   */
  lastForwardMs(): number;
  /** Aborts forwards in flight and resolves once they have settled and the KV cache is freed. */
  dispose(): Promise<void>;
}

/** The native surface of xcandle.node (native/binding/addon.cc). */
export interface NativeAddon {
  /**
   * keepFileLayout absent: XC_X8 decides (xc_model_options.keep_file_layout 0), true: 1, false: -1.
   * kernels absent: XC_KERNELS, else the fastest table; else 'scalar', 'avx2' or 'avx512'.
   */
  loadModel(path: string, device?: string, keepFileLayout?: boolean, kernels?: string): Promise<AddonModel>;
  buildInfo(): string;
  AddonContext: new (model: AddonModel, options: AddonContextOptions) => AddonContext;
}

/** Overrides where the addon is loaded from (the sanitizer build sets it to build-asan/…). */
export const ADDON_PATH_VARIABLE = 'X_CANDLE_ADDON';

// The CJS build has no import.meta.url (the bundler leaves it undefined) but has __dirname.
declare const __dirname: string | undefined;

function moduleDirectory(): string {
  const url: string | undefined = import.meta.url;
  if (typeof url === 'string') return path.dirname(fileURLToPath(url));
  if (typeof __dirname === 'string') return __dirname;
  throw new UnsupportedError('candle-native-addon', 'cannot tell where @x/candle-native is installed');
}

function packageRoot(from: string): string | undefined {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const manifest = path.join(directory, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME)
      return directory;
    if (path.dirname(directory) === directory) return undefined;
  }
}

function resolvePackage(name: string): string | undefined {
  try {
    return createRequire(path.join(moduleDirectory(), 'noop.js')).resolve(name);
  } catch {
    return undefined;
  }
}

function addonRoot(): string {
  return packageRoot(moduleDirectory()) ?? path.resolve(moduleDirectory(), '../..');
}

/**
 * The file `loadNativeAddon` loads: $X_CANDLE_ADDON, else the first that exists of a build from
 * source (build/Release/xcandle.node), this platform's prebuilt binary (prebuilds/<platform>/) and
 * the optional package @x/candle-native-<platform>; build/Release/xcandle.node when none does.
 */
export function nativeAddonPath(): string {
  const override = process.env[ADDON_PATH_VARIABLE];
  if (override) return path.resolve(override);
  const root = addonRoot();
  return findAddon(root, currentPlatform(), resolvePackage) ?? addonCandidates(root, currentPlatform())[0]!;
}

let addon: NativeAddon | undefined;

/** Loads xcandle.node once. The only place in x that loads a native addon of this package. */
export function loadNativeAddon(): NativeAddon {
  if (addon !== undefined) return addon;
  const file = nativeAddonPath();
  if (!existsSync(file)) {
    const message = process.env[ADDON_PATH_VARIABLE]
      ? `$${ADDON_PATH_VARIABLE} names ${file}, which does not exist`
      : missingAddonMessage(
          currentPlatform(),
          addonCandidates(addonRoot(), currentPlatform(), resolvePackage),
        );
    throw new UnsupportedError('candle-native-addon', message);
  }
  try {
    addon = createRequire(path.join(moduleDirectory(), 'noop.js'))(file) as NativeAddon;
  } catch (cause) {
    throw new UnsupportedError('candle-native-addon', `the native addon at ${file} could not be loaded`, {
      cause,
    });
  }
  return addon;
}

/** The addon's build facts, e.g. "avx2 fma f16c kernels=avx2 cuda=off". */
export function nativeBuildInfo(): string {
  return loadNativeAddon().buildInfo();
}
