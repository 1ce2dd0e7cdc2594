export { GGMLType, type GGMLTypeLayout, ggmlTypeLayout, ggmlTypeName } from './ggml-type.js';
export { GGUFValueType } from './gguf-value-type.js';
export {
  type GGUFFile,
  type GGUFMetadataType,
  type GGUFTensorInfo,
  type GGUFValue,
  parseGGUF,
  readGGUF,
} from './read-gguf.js';
