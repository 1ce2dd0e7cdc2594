import path from 'node:path';
import { sharedModelsDir } from '../../gguf/shared-models-dir.js';

/** llama.cpp's vocabulary-only GGUF files (ggml-vocab-*.gguf) among the shared test models. */
export const vocabDir = path.join(sharedModelsDir, 'llama.cpp-vocab');
