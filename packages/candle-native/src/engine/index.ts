export { type LoadLMOptions, loadLM } from '../lm/load-lm.js';
export { nativeAddonPath, nativeBuildInfo } from '../native/native-binding.js';
export {
  KERNEL_TABLES,
  type KernelTableName,
  loadEngine,
  type NativeEngineOptions,
} from './load-engine.js';
export { type ForwardTiming, NativeEngine } from './native-engine.js';
