export { runXOnnx } from '../cli/run-x-onnx.js';
export { exportHfFolder } from './export-hf-folder.js';
export { type HfTokenizerFiles, hfTokenizerFiles } from './hf-tokenizer-files.js';
