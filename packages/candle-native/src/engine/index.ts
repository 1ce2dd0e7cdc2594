export { loadEngine, type NativeEngineOptions } from './load-engine.js';
export { NativeEngine } from './native-engine.js';
export { nativeAddonPath } from '../native/native-binding.js';
