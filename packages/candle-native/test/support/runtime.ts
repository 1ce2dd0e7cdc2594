// Runtime parts the tests compare against. TEMPORARY: reached by path until @x/runtime's index
// exports them; then this file becomes `export { … } from '@x/runtime'`.
export { GGMLType } from '../../../runtime/src/gguf/ggml-type.js';
export { MODEL_SHAPES } from '../../../runtime/src/gguf/synth/model-shapes.js';
export { synthesizeModel } from '../../../runtime/src/gguf/synth/synthesize-model.js';
export { loadReferenceEngine } from '../../../runtime/src/reference/load-reference-engine.js';
