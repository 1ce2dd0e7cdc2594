export { GGMLType, type GGMLTypeLayout, ggmlTypeLayout, ggmlTypeName } from './ggml-type.js';
export { GGUFValueType } from './gguf-value-type.js';
export { isGGUFFile } from './is-gguf-file.js';
export { keepFirstLayers } from './keep-first-layers.js';
export {
  archKey,
  getArchitecture,
  getArchNumber,
  getArray,
  getBoolean,
  getNumber,
  getNumberArray,
  getOptional,
  getString,
  getStringArray,
} from './metadata.js';
export { bf16ToFloat, floatToBF16, floatToHalf, halfToFloat } from './quant/half.js';
export { QUANTIZABLE_TYPES, quantize } from './quantize.js';
export {
  type GGUFFile,
  type GGUFMetadataType,
  type GGUFTensorInfo,
  type GGUFValue,
  modelKeys,
  parseGGUF,
  type ReadGGUFOptions,
  readGGUF,
} from './read-gguf.js';
export { rewriteGGUFMetadata } from './rewrite-gguf-metadata.js';
export { startsWithGGUFMagic } from './starts-with-gguf-magic.js';
export { byteLevelTokenizer } from './synth/byte-level-tokenizer.js';
export { LLAMA3_ROPE_SCALING, type Llama3RopeScaling, llama3RopeFreqs } from './synth/llama3-rope-freqs.js';
export { MALFORMED_METADATA_CASES, type MalformedMetadataCase } from './synth/malformed-metadata-cases.js';
export { MODEL_SHAPES, type ModelShape } from './synth/model-shapes.js';
export { modelTensors, parameterCount, type TensorPlan } from './synth/model-tensors.js';
export { synthesisProgressBar } from './synth/synthesis-progress-bar.js';
export {
  matrixType,
  resolveShape,
  type SynthesizedModel,
  type SynthesizeOptions,
  synthesizeModel,
} from './synth/synthesize-model.js';
export { DEQUANTIZABLE_TYPES, dequantize, readTensor } from './tensor-data.js';
export {
  METADATA_LIMITS,
  type ModelHyperparameters,
  ROPE_SCALING_TYPES,
  validateModelMetadata,
} from './validate-model-metadata.js';
export {
  encodeGGUFHeader,
  type GGUFHeader,
  type GGUFTensorInput,
  type GGUFTensorSource,
  type GGUFWriteInput,
  serializeGGUF,
  writeGGUF,
} from './write-gguf.js';
export { type GGUFMetadataInput, type GGUFTypedValue, inferGGUFType } from './write-gguf-value.js';
