export {
  type CacheEntry,
  clearConversionCache,
  evictToBudget,
  listCacheEntries,
} from './conversion-cache-entries.js';
export { conversionProgressBar } from './conversion-progress-bar.js';
export {
  type ConversionProgress,
  type ConvertedModel,
  type ConvertGGUFOptions,
  convertGGUF,
} from './convert-gguf.js';
export { type CachedConversionOptions, cachedConversion, defaultCacheDir } from './converted-model-cache.js';
export type { DecoderSpec } from './decoder-spec.js';
export type { NBitsAccuracy, WeightDType } from './gguf-weight-values.js';
